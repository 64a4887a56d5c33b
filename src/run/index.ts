// Running scenarios: one run, a matrix of runtimes, and a bisection over releases.

export { type BisectOptions, runBisect } from './bisect.js';
export { describeEnvironment } from './environment.js';
export { type MatrixOptions, runMatrix } from './matrix.js';
export { type LoadedShard, loadShard, mergeShards, type ShardableRecord } from './merge.js';
export { mapWithJobs } from './pool.js';
export type {
  BisectRecord,
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
export { formatShard, parseShard, type ShardSpec, shardItems } from './shard.js';
export {
  planSweepVersions,
  runSweep,
  type SweepOptions,
  sweepScenarioNames,
  type VersionSelection,
} from './sweep.js';
export { defaultSweepCacheDir } from './sweep-cache.js';
export type { SweepCell, SweepRecord } from './sweep-record.js';
