// Whether this process can afford a heap snapshot now. V8 builds the snapshot's graph in
// native memory of the order of the heap itself, more for heaps of many small objects
// (nodejs/node#56207, nodejs/node#44027): taken near a memory limit, the snapshot is what
// kills the service. So read v8.getHeapStatistics() and the memory left first.

import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { formatBytes } from './rules.js';

/** Native memory asked for per byte of heap used: the graph plus its serialization. */
export const SNAPSHOT_MEMORY_FACTOR = 2;
/** Above this share of the heap limit the process is already close to an out-of-memory crash. */
export const HEAP_LIMIT_SHARE = 0.85;

export interface Affordability {
  affordable: boolean;
  reason: string;
  heapUsed: number;
  needed: number;
  available: number;
}

export function snapshotAffordability(): Affordability {
  const heap = getHeapStatistics();
  const heapUsed = heap.used_heap_size;
  const needed = SNAPSHOT_MEMORY_FACTOR * heapUsed;
  const available = availableMemory();
  const base = { heapUsed, needed, available };
  if (heapUsed > HEAP_LIMIT_SHARE * heap.heap_size_limit) {
    return {
      ...base,
      affordable: false,
      reason: `heap used ${formatBytes(heapUsed)} is over ${HEAP_LIMIT_SHARE * 100} % of its limit ${formatBytes(heap.heap_size_limit)}`,
    };
  }
  if (available < needed) {
    return {
      ...base,
      affordable: false,
      reason: `a snapshot of ${formatBytes(heapUsed)} of heap needs about ${formatBytes(needed)} of memory; ${formatBytes(available)} is free`,
    };
  }
  return { ...base, affordable: true, reason: 'enough memory' };
}

/** Free memory: the system's, or the cgroup's (containers) when that is smaller. */
function availableMemory(): number {
  return Math.min(freemem(), cgroupAvailable() ?? Number.POSITIVE_INFINITY);
}

function cgroupAvailable(): number | undefined {
  try {
    const limit = readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim();
    if (limit === 'max') return undefined;
    const current = Number(readFileSync('/sys/fs/cgroup/memory.current', 'utf8').trim());
    return Math.max(0, Number(limit) - current);
  } catch {
    return undefined; // Not cgroup v2, or not Linux.
  }
}
