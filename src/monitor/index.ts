// heapdrift/monitor: watch a running service's heap from inside, with online leak verdicts,
// optional snapshot series on suspicion, and Prometheus / OpenTelemetry exporters.

export { type Affordability, snapshotAffordability } from './affordability.js';
export { BoundedSeries, type BoundedSeriesOptions, type SeriesPoints } from './bounded-series.js';
export { ENVIRONMENT_VARIABLES, type PreloadSettings, preloadSettings } from './environment-options.js';
export { leakEventText, snapshotEventText } from './event-text.js';
export type { GcCounts } from './gc-counts.js';
export { METRIC_DEFINITIONS, type MetricDefinition } from './metric-definitions.js';
export {
  HeapMonitor,
  type LeakEvent,
  type MonitorEvents,
  type MonitorState,
  type MonitorStatus,
  startMonitor,
} from './monitor.js';
export {
  type OpenTelemetryOptions,
  type RegisteredInstruments,
  registerOpenTelemetryMetrics,
} from './opentelemetry.js';
export { type MonitorOptions, resolveMonitorOptions, type SnapshotOptions } from './options.js';
export { type PrometheusOptions, type RegisteredMetrics, registerPrometheusMetrics } from './prometheus.js';
export {
  DEFAULT_RULE_SETTINGS,
  decideOnline,
  gatherOnlineEvidence,
  type OnlineDecision,
  type OnlineEvidence,
  type OnlineRule,
  type OnlineVerdict,
  onlineRules,
  type RuleSettings,
} from './rules.js';
export { type MemorySample, readMemorySample } from './sample.js';
export { analyseSnapshotSeries, type SeriesManifest } from './series-analysis.js';
export type { GrowingThing, SnapshotEvent, SnapshotTakerStatus } from './snapshot-taker.js';
