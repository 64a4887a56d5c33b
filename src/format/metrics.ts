// What a tracked metric is called and how its values, changes and slopes read in every report:
// sizes in bytes, counts (entries, instances) as plain numbers.

import { formatBytes } from './bytes.js';
import { formatCount, formatCountRate, signed } from './numbers.js';

const COUNT_METRICS = new Set(['edgeCount', 'count']);

/** True for metrics that count things rather than bytes. */
export function isCountMetric(metric: string): boolean {
  return COUNT_METRICS.has(metric);
}

/** What a metric is called in a report. */
export function metricName(metric: string): string {
  return (
    {
      selfSize: 'self',
      edgeCount: 'entries',
      retainedSize: 'retained',
      count: 'count',
      totalSelfSize: 'heap',
    }[metric] ?? metric
  );
}

/** One value of a metric: bytes for sizes, a plain number for counts. */
export function formatMetricValue(value: number, metric: string): string {
  return isCountMetric(metric) ? formatCount(value) : formatBytes(value);
}

/** `self 24 B → 55.6 KiB`: the metric's first and last value. */
export function formatChange(series: readonly number[], metric: string): string {
  const first = series[0] ?? 0;
  const last = series.at(-1) ?? 0;
  return `${metricName(metric)} ${formatMetricValue(first, metric)} → ${formatMetricValue(last, metric)}`;
}

/** A slope in the metric's unit per hour (and per 1,000 iterations when known). */
export function formatSlope(perHour: number, per1000Iterations: number | null, metric: string): string {
  const amount = isCountMetric(metric) ? formatCountRate : formatBytes;
  const parts = [];
  if (per1000Iterations !== null) parts.push(`${signed(amount(per1000Iterations))}/1k it`);
  parts.push(`${signed(amount(perHour))}/h`);
  return parts.join(', ');
}
