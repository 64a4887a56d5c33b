// `attach`: judges a live Node.js process over its inspector. On a schedule: read its heap
// statistics and skip the snapshot when it cannot afford one, force a GC, stream a snapshot
// into the parser, measure it like a run's, save. Ctrl-C, the target exiting or a blocked
// event loop end it `incomplete` with every sample kept; the target is never stopped.

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  InspectorSession,
  type InspectorTarget,
  resolveInspectorTarget,
  type TargetHeap,
} from '../capture/index.js';
import { UserError } from '../errors.js';
import { formatBytes } from '../format/index.js';
import { makePrivateDirectory } from './files.js';
import { safeName } from './matrix.js';
import { newRecord, recordDirectory } from './new-record.js';
import { RecordKeeper } from './record-keeper.js';
import type { AttachSource, RunRecord } from './result.js';
import type { RunEvent } from './run-scenario.js';

export interface AttachOptions {
  /** A pid, host:port or ws:// URL. */
  target: string;
  /** A non-loopback host the user named explicitly (--host). */
  allowedHost?: string;
  everyMs?: number;
  snapshots?: number;
  durationMs?: number;
  warmupSnapshots?: number;
  track?: string[];
  runsDir: string;
  keepSnapshots?: boolean;
  /** Time a single snapshot may take before the attach gives up on a blocked target. */
  snapshotTimeoutMs?: number;
  /** Close the inspector heapdrift opened (SIGUSR1) when leaving. */
  closeInspector?: boolean;
  /** Multiple of the used heap that must be free before a snapshot (Node documents about 2). */
  memoryFactor?: number;
  command?: string;
  onEvent?: (event: RunEvent) => void;
  signal?: AbortSignal;
}

const DEFAULT_EVERY_MS = 30_000;
const DEFAULT_SNAPSHOTS = 12;
const DEFAULT_SNAPSHOT_TIMEOUT_MS = 120_000;
/**
 * "Creating a heap snapshot requires memory about twice the size of the heap at the time the
 * snapshot is created" (https://nodejs.org/api/v8.html#v8writeheapsnapshotfilenameoptions,
 * nodejs/node#56207).
 */
export const SNAPSHOT_MEMORY_FACTOR = 2;
/**
 * Refusals in a row after which the attach ends `incomplete` instead of waiting on: a target
 * that could not afford three snapshots a period apart is not about to afford the rest.
 */
export const MAX_REFUSALS_IN_A_ROW = 3;

export async function runAttach(options: AttachOptions): Promise<RunRecord> {
  const target = await resolveInspectorTarget(options.target, options.allowedHost);
  const session = await InspectorSession.connect(target);
  let keeper: RecordKeeper | undefined;
  try {
    const first = await session.heap(options.snapshotTimeoutMs ?? DEFAULT_SNAPSHOT_TIMEOUT_MS);
    keeper = new RecordKeeper(newAttachRecord(options, target, first), {
      tracks: options.track ?? [],
      warmupSnapshots: options.warmupSnapshots ?? 2,
    });
    return await watch(session, keeper, options);
  } finally {
    const after = await session.leave(target.opened && (options.closeInspector ?? false));
    if (keeper) {
      (keeper.record.source as AttachSource).inspectorAfter = after;
      keeper.write();
    }
  }
}

async function watch(
  session: InspectorSession,
  keeper: RecordKeeper,
  options: AttachOptions,
): Promise<RunRecord> {
  const record = keeper.record;
  const source = record.source as AttachSource;
  const total = record.schedule.snapshots || null;
  const everyMs = record.schedule.everyMs ?? DEFAULT_EVERY_MS;
  const timeoutMs = options.snapshotTimeoutMs ?? DEFAULT_SNAPSHOT_TIMEOUT_MS;
  const started = Date.now();
  const snapshotDir = join(record.directory, 'snapshots');
  if (options.keepSnapshots) makePrivateDirectory(snapshotDir);
  options.onEvent?.({ type: 'started', directory: record.directory, totalSnapshots: total });
  let ended: string | null = null;
  let refusalsInARow = 0;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) ended = 'interrupted';
    if (ended || (total && record.snapshots.length >= total)) break;
    if (options.durationMs && Date.now() - started >= options.durationMs) break;
    if (attempt > 0)
      await sleep(Math.max(0, started + attempt * everyMs - Date.now()), undefined, {
        signal: options.signal,
      }).catch(() => undefined);
    if (options.signal?.aborted) continue;
    try {
      const heap = await session.heap(timeoutMs);
      const refusal = unaffordable(heap, options.memoryFactor ?? SNAPSHOT_MEMORY_FACTOR);
      if (refusal) {
        source.refused.push({ at: new Date().toISOString(), reason: refusal });
        options.onEvent?.({ type: 'warning', message: `snapshot skipped: ${refusal}` });
        keeper.write();
        if (++refusalsInARow >= MAX_REFUSALS_IN_A_ROW)
          ended = `the target could not afford a heap snapshot ${refusalsInARow} times in a row (${refusal})`;
        continue;
      }
      refusalsInARow = 0;
      const index = record.snapshots.length;
      const captureStarted = performance.now();
      const elapsedMs = Date.now() - started;
      const keepFile = options.keepSnapshots
        ? join(snapshotDir, `snapshot-${String(index).padStart(3, '0')}.heapsnapshot`)
        : undefined;
      const graph = await session.snapshot(timeoutMs, keepFile);
      const captureMs = performance.now() - captureStarted;
      const added = await keeper.add(graph, {
        index,
        iteration: null,
        elapsedMs,
        heapUsed: heap.usedHeapSize,
        captureMs,
      });
      keeper.appendSample({ type: 'snapshot', ...added.row, heap });
      options.onEvent?.({ type: 'snapshot', row: added.row, tracks: added.tracks, totalSnapshots: total });
    } catch (error) {
      // The target's troubles end the attach with what it measured; heapdrift's own bugs do not.
      if (!(error instanceof UserError)) throw error;
      ended = error.message;
      source.refused.push({ at: new Date().toISOString(), reason: error.message });
      options.onEvent?.({ type: 'warning', message: error.message });
    }
  }
  return keeper.finish(ended === null, ended ?? '');
}

/** Why the target cannot afford a snapshot now, or null. */
function unaffordable(heap: TargetHeap, factor: number): string | null {
  const needed = heap.usedHeapSize * factor;
  if (heap.availableMemory >= needed) return null;
  return `the target's heap is ${formatBytes(heap.usedHeapSize)} and a snapshot needs about ${factor}× that (${formatBytes(needed)}), but only ${formatBytes(heap.availableMemory)} is available`;
}

function newAttachRecord(options: AttachOptions, target: InspectorTarget, heap: TargetHeap): RunRecord {
  const startedAt = new Date();
  const label = `pid-${heap.pid}`;
  const source: AttachSource = {
    type: 'attach',
    target: target.label,
    pid: heap.pid,
    inspector: `${target.host}:${target.port}`,
    openedInspector: target.opened,
    inspectorAfter: null,
    refused: [],
  };
  return newRecord(recordDirectory(options.runsDir, startedAt, `attach-${safeName(label)}`), startedAt, {
    kind: 'attach',
    verdictReason: 'the attach has not finished',
    scenario: { name: `pid ${heap.pid}`, file: target.label, mode: 'script', builtin: false },
    runtime: {
      spec: target.label,
      version: heap.nodeVersion,
      v8Version: heap.v8Version,
      path: '',
      source: 'attached process',
    },
    command: options.command ?? `heapdrift attach ${options.target}`,
    schedule: {
      snapshots: options.durationMs && !options.snapshots ? 0 : (options.snapshots ?? DEFAULT_SNAPSHOTS),
      everyIterations: null,
      everyMs: options.everyMs ?? DEFAULT_EVERY_MS,
      warmupSnapshots: options.warmupSnapshots ?? 2,
    },
    xUnit: 'ms',
    source,
  });
}
