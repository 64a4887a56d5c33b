// Running scenarios: one run, a matrix of runtimes, and a bisection over releases.

export { type AttachOptions, runAttach, SNAPSHOT_MEMORY_FACTOR } from './attach.js';
export { type BisectOptions, runBisect } from './bisect.js';
export { describeEnvironment } from './environment.js';
export { type MatrixOptions, runMatrix } from './matrix.js';
export type {
  AttachSource,
  BisectRecord,
  MatrixRecord,
  RunKind,
  RunOutcome,
  RunRecord,
  RunStatus,
  SeriesSource,
  SnapshotRow,
  StructureEntry,
  TrackEntry,
} from './result.js';
export { RUN_SCHEMA_VERSION } from './result.js';
export { type RunEvent, type RunOptions, runScenario } from './run-scenario.js';
export { resolveScenario, type ScenarioSource } from './scenario-source.js';
export { runSeries, type SeriesOptions } from './series.js';
export { listSeriesFiles, parseNodeSnapshotName, type SeriesFile, type SeriesOrder } from './series-files.js';
