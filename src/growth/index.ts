// Growth across a series of snapshots: structures keyed by stable paths, measured per
// snapshot, tracked over the run, and judged by trend statistics and a chain of named rules.

export type { ClassAggregate } from './classes.js';
export { classAggregates } from './classes.js';
export { benjaminiHochberg } from './multiple-testing.js';
export type { MetricName } from './sample-store.js';
export { METRICS } from './sample-store.js';
export type { MannKendallResult, TheilSenResult } from './statistics.js';
export { mannKendall, theilSen } from './statistics.js';
export type { PathSegment } from './structure-keys.js';
export { INDEXED_EDGE_LABEL, ROOT_KEY, StructureKeys, shortClassName } from './structure-keys.js';
export type { MeasureOptions, StructureMeasurements } from './structures.js';
export { measureStructures } from './structures.js';
export type {
  ClassResult,
  GrowthReport,
  MetricResult,
  NamedTrackMeasurement,
  NamedTrackResult,
  RunVerdict,
  StructureResult,
  TrackerOptions,
} from './track.js';
export { METRIC_KINDS, SeriesTracker } from './track.js';
export type {
  MeasuredSeries,
  MetricKind,
  RuleDecision,
  SeriesEvidence,
  SeriesVerdict,
  Verdict,
  VerdictOptions,
  VerdictRule,
  XUnit,
} from './verdict.js';
export { decide, gatherEvidence, judgeSeries, verdictRules } from './verdict.js';
