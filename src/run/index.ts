// Running scenarios: one run, a matrix of runtimes, and a bisection over releases.

export { type AttachOptions, runAttach, SNAPSHOT_MEMORY_FACTOR } from './attach.js';
export { type BisectOptions, runBisect } from './bisect.js';
export { describeEnvironment } from './environment.js';
export { makePrivateDirectory, writeJsonAtomically } from './files.js';
export { defaultMatrixJobs, type MatrixOptions, runMatrix } from './matrix.js';
export { measureSnapshot, type SnapshotMeasurement } from './measure-snapshot.js';
export { type LoadedShard, loadShard, mergeShards, type ShardableRecord } from './merge.js';
export { newRecord, type RecordStart } from './new-record.js';
export { mapWithJobs } from './pool.js';
export { RecordKeeper } from './record-keeper.js';
export type {
  AttachSource,
  BisectRecord,
  FindingEntry,
  Invocation,
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
export { classEntries, findingEntries, RUN_SCHEMA_VERSION, structureEntries } from './result.js';
export { type RunEvent, type RunOptions, runScenario } from './run-scenario.js';
export { resolveScenario, type ScenarioSource } from './scenario-source.js';
export { runSeries, type SeriesOptions, seriesMeasuresInChildren } from './series.js';
export { listSeriesFiles, parseNodeSnapshotName, type SeriesFile, type SeriesOrder } from './series-files.js';
export { formatShard, parseShard, type ShardSpec, shardItems } from './shard.js';
export {
  DIFF_SCHEMA_VERSION,
  type DiffRecord,
  diffRecord,
  SUMMARY_SCHEMA_VERSION,
  type SummaryRecord,
  summaryRecord,
} from './snapshot-records.js';
export {
  planSweepVersions,
  runSweep,
  type SweepOptions,
  sweepScenarioNames,
  type VersionSelection,
} from './sweep.js';
export { defaultSweepCacheDir } from './sweep-cache.js';
export type { SweepCell, SweepRecord } from './sweep-record.js';
export { typeStrippingOf } from './typescript.js';
