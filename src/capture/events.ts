// What a capture reports, in order: ready, then samples and snapshots as they come, then
// exactly one exit. These shapes are the child agent's JSON lines, typed for the parent.

/** process.memoryUsage() of the scenario's process, in bytes. */
export interface ProcessMemory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/**
 * v8.getHeapStatistics() of the scenario's main isolate. Fields differ by Node version
 * (e.g. `total_global_handles_size` from 14, `external_memory` from 22), hence the index.
 */
export interface HeapStatistics {
  total_heap_size: number;
  used_heap_size: number;
  heap_size_limit: number;
  malloced_memory: number;
  number_of_native_contexts: number;
  number_of_detached_contexts: number;
  [field: string]: number;
}

/** One entry of v8.getHeapSpaceStatistics(); space names change by version. */
export interface HeapSpace {
  name: string;
  size: number;
  used: number;
  available: number;
  physical: number;
}

export interface MemorySample {
  /** Milliseconds since the scenario started (after setup for iteration scenarios). */
  time: number;
  /** Epoch milliseconds (fractional). */
  timestamp: number;
  /** Iterations completed when sampled; null for plain scripts. */
  iteration: number | null;
  /** True when taken right after a forced full GC (the samples of snapshots). */
  afterGc: boolean;
  memory: ProcessMemory;
  heap: HeapStatistics;
  spaces: HeapSpace[];
}

export type CaptureMode = 'iterations' | 'script';

export interface ReadyEvent {
  type: 'ready';
  nodeVersion: string;
  v8Version: string;
  pid: number;
  mode: CaptureMode;
}

/** A cheap sample between snapshots, without forced GC. */
export interface SampleEvent extends MemorySample {
  type: 'sample';
}

export type SnapshotTrigger = 'baseline' | 'time' | 'iterations';

export interface SnapshotEvent {
  type: 'snapshot';
  /** Complete, mode 0600; the consumer owns it (the capture never deletes it). */
  file: string;
  /** 0 for the baseline, then 1, 2, ... */
  index: number;
  trigger: SnapshotTrigger;
  iteration: number | null;
  /** When the capture began, in ms since the scenario started. */
  elapsedMs: number;
  /** From the request (schedule or iteration count reached) to the file being complete. */
  captureMs: number;
  gcMs: number;
  writeMs: number;
  /** Taken after the forced GC, just before the snapshot was written. */
  sample: MemorySample;
}

/** Why the child is about to end: a limit was reached, or the parent asked. */
export interface StoppingEvent {
  type: 'stopping';
  reason: 'max-snapshots' | 'duration' | 'parent' | 'limit';
}

export type CaptureErrorCode =
  | 'snapshot-timeout'
  | 'capture-failed'
  | 'agent-failed'
  | 'spawn-failed'
  | 'protocol';

/** Something went wrong but the session goes on to an exit event (never a hang). */
export interface CaptureErrorEvent {
  type: 'error';
  code: CaptureErrorCode;
  message: string;
}

/** Child output, only with `output: 'events'`. */
export interface OutputEvent {
  type: 'output';
  stream: 'stdout' | 'stderr';
  text: string;
}

export type ExitReason = 'completed' | 'crashed' | 'out-of-memory' | 'stopped' | 'timeout';

export interface ExitEvent {
  type: 'exit';
  code: number | null;
  signal: NodeJS.Signals | null;
  /**
   * completed: a limit was reached, or the scenario ended by itself with code 0.
   * stopped: stop() (or SIGINT/SIGTERM of the parent) ended it.
   * out-of-memory: V8 ran out of heap. crashed: any other abnormal end.
   * timeout: a snapshot took longer than snapshotTimeoutMs; the child was killed.
   */
  reason: ExitReason;
  /** Last bytes of the child's stderr (where crashes and OOM are described). */
  stderrTail: string;
  stdoutTail: string;
  /** Snapshot events delivered. */
  snapshots: number;
  /** Iterations completed (last known count); null for plain scripts. */
  iterations: number | null;
}

export type CaptureEvent =
  | ReadyEvent
  | SampleEvent
  | SnapshotEvent
  | StoppingEvent
  | CaptureErrorEvent
  | OutputEvent
  | ExitEvent;
