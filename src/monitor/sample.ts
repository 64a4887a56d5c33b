// One reading of the process's memory: V8 heap totals, every heap space this Node version
// has (names differ by version: 22 adds trusted_space, 24 shared_trusted_space), native and
// detached contexts, external memory and RSS. Cheap enough to take after garbage collections.

import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

export interface MemorySample {
  /** Milliseconds since the monitor started (monotonic clock). */
  t: number;
  heapUsed: number;
  heapTotal: number;
  heapLimit: number;
  /** Memory held outside the V8 heap for JS objects (Buffers, ArrayBuffers). */
  external: number;
  rss: number;
  nativeContexts: number;
  detachedContexts: number;
  /** Used bytes per heap space, by V8's space name. */
  spaces: Record<string, number>;
}

export function readMemorySample(t: number): MemorySample {
  const heap = getHeapStatistics();
  const spaces: Record<string, number> = {};
  for (const space of getHeapSpaceStatistics()) spaces[space.space_name] = space.space_used_size;
  return {
    t,
    heapUsed: heap.used_heap_size,
    heapTotal: heap.total_heap_size,
    heapLimit: heap.heap_size_limit,
    // `external_memory` is in getHeapStatistics from Node 20 on; memoryUsage() would also read RSS twice.
    external: (heap as { external_memory?: number }).external_memory ?? process.memoryUsage().external,
    rss: process.memoryUsage.rss(),
    nativeContexts: heap.number_of_native_contexts,
    detachedContexts: heap.number_of_detached_contexts,
    spaces,
  };
}
