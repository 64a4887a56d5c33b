// Capture: take heap snapshots and memory samples of a scenario running in a child node
// process (any version 20–26), on a schedule, even while its main thread never yields.

export { CaptureSession, startCapture } from './child-capture.js';
export type {
  CaptureErrorCode,
  CaptureErrorEvent,
  CaptureEvent,
  CaptureMode,
  ExitEvent,
  ExitReason,
  HeapSpace,
  HeapStatistics,
  MemorySample,
  OutputEvent,
  ProcessMemory,
  ReadyEvent,
  SampleEvent,
  SnapshotEvent,
  SnapshotTrigger,
  StoppingEvent,
} from './events.js';
export { isOutOfMemory } from './exit-reason.js';
export {
  InspectorSession,
  SnapshotTimeoutError,
  TargetGoneError,
  type TargetHeap,
} from './inspector.js';
export { type InspectorTarget, isLoopback, resolveInspectorTarget } from './inspector-target.js';
export type { CaptureOptions } from './options.js';
