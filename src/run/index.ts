// Running scenarios: one run, a matrix of runtimes, and a bisection over releases.

export { type BisectOptions, runBisect } from './bisect.js';
export { describeEnvironment } from './environment.js';
export { type MatrixOptions, runMatrix } from './matrix.js';
export type {
  BisectRecord,
  Invocation,
  MatrixRecord,
  RunOutcome,
  RunRecord,
  RunStatus,
  SnapshotRow,
  StructureEntry,
  TrackEntry,
} from './result.js';
export { RUN_SCHEMA_VERSION } from './result.js';
export { type RunEvent, type RunOptions, runScenario } from './run-scenario.js';
export { resolveScenario, type ScenarioSource } from './scenario-source.js';
export {
  DIFF_SCHEMA_VERSION,
  type DiffRecord,
  diffRecord,
  SUMMARY_SCHEMA_VERSION,
  type SummaryRecord,
  summaryRecord,
} from './snapshot-records.js';
export { typeStrippingOf } from './typescript.js';
