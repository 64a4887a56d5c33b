// Running scenarios: one run, a matrix of runtimes, and a bisection over releases.

export { type BisectOptions, runBisect } from './bisect.js';
export { describeEnvironment } from './environment.js';
export { makePrivateDirectory, writeJsonAtomically } from './files.js';
export { type MatrixOptions, runMatrix } from './matrix.js';
export { measureSnapshot, type SnapshotMeasurement } from './measure-snapshot.js';
export { type LoadedShard, loadShard, mergeShards, type ShardableRecord } from './merge.js';
export { mapWithJobs } from './pool.js';
export type {
  BisectRecord,
  FindingEntry,
  Invocation,
  MatrixRecord,
  RunOutcome,
  RunRecord,
  RunStatus,
  SnapshotRow,
  StructureEntry,
  TrackEntry,
} from './result.js';
export { classEntries, findingEntries, RUN_SCHEMA_VERSION, structureEntries } from './result.js';
export { type RunEvent, type RunOptions, runScenario } from './run-scenario.js';
export { resolveScenario, type ScenarioSource } from './scenario-source.js';
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
