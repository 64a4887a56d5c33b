// heapdrift/testing: leak tests for node:test, vitest and jest. `expectNoLeak(fn)` counts the
// objects `fn` leaves alive per call, exactly, after full GCs, and fails naming what grew.

export { expectNoLeak, LeakAssertionError, leakMatchers } from './expect.js';
export type { LeakExplanation, RetainedClass, RetainedSample } from './explain.js';
export {
  type LeakEvidence,
  type LeakTestFunction,
  LeakTestTimeoutError,
  measureLeak,
} from './measure.js';
export { describeLeak, formatEvidence } from './message.js';
export {
  DEFAULT_BATCHES,
  DEFAULT_ITERATIONS,
  DEFAULT_TIMEOUT_MS,
  type LeakTestOptions,
  MINIMUM_BATCHES,
  MINIMUM_ITERATIONS,
} from './options.js';
export {
  type LeakVerdict,
  PER_CALL_FLOOR,
  type RetentionSeries,
} from './per-call-verdict.js';
