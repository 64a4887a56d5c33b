// Growth across a series of snapshots: structures keyed by stable paths, measured per
// snapshot, tracked over the run, and judged by trend statistics and a chain of named rules.

export type { Candidate } from './candidates.js';
export { MAXIMUM_CANDIDATES_PER_METRIC, selectCandidates } from './candidates.js';
export type { ClassResult } from './class-tracking.js';
export { CLASS_METRICS } from './class-tracking.js';
export type { ClassAggregate } from './classes.js';
export { classAggregates } from './classes.js';
export type { Exactness, SeriesFloors } from './drift.js';
export {
  classExactness,
  DRIFT_CLASS_GROWTH_FLOOR,
  DRIFT_GROWTH_FLOOR,
  EXACT_GROWTH_FLOOR,
  EXACT_MINIMUM_RISES,
  floorsFor,
  isRuntimeClass,
  KeyExactness,
  MATERIAL_GROWTH_FLOOR,
} from './drift.js';
export type { Finding, FindingRate } from './findings.js';
export { describeFinding, describeRate, groupFindings, pluralName, programName } from './findings.js';
export { IMMATERIAL_COUNT_RULE, settleImmaterialCounts } from './materiality.js';
export { benjaminiHochberg } from './multiple-testing.js';
export type { NamedTrackMeasurement, NamedTrackResult } from './named-tracks.js';
export type { RunVerdict } from './run-verdict.js';
export type { MetricName } from './sample-store.js';
export { METRICS } from './sample-store.js';
export type { MetricResult, TrackSample } from './series.js';
export { METRIC_KINDS, SeriesBuilder } from './series.js';
export type { MannKendallResult, TheilSenResult } from './statistics.js';
export { mannKendall, theilSen } from './statistics.js';
export type { PathSegment, StructureKeysTail } from './structure-keys.js';
export { INDEXED_EDGE_LABEL, ROOT_KEY, StructureKeys, shortClassName } from './structure-keys.js';
export type { StructureResult } from './structure-tracking.js';
export { EXPLAINED_BY_DESCENDANT } from './structure-tracking.js';
export type { MeasureOptions, StructureMeasurements } from './structures.js';
export { EPHEMERON_EDGE_LABEL, measureStructures, normalizedEdgeName } from './structures.js';
export type { GrowthReport, KnownStructures, TrackerOptions } from './track.js';
export { SeriesTracker } from './track.js';
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
export {
  ABSOLUTE_GROWTH_FLOOR,
  DEFAULT_ALPHA,
  decide,
  formatAmount,
  gatherEvidence,
  judgeSeries,
  LATE_PART_FRACTION,
  MINIMUM_SAMPLES,
  MINIMUM_STAIRCASE_STEPS,
  PERSISTENCE_FRACTION,
  PLATEAU_FLATNESS,
  PLATEAU_RHYTHM,
  RELATIVE_GROWTH_FLOOR,
  verdictRules,
  WARMUP_FRACTION,
} from './verdict.js';
