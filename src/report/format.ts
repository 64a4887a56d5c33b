// Small formatting helpers shared by every report: sizes, slopes, durations, sparklines.

export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const value = Math.abs(bytes);
  if (value < 1024) return `${sign}${Math.round(value)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let scaled = value / 1024;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return `${sign}${scaled.toFixed(1)} ${units[unit]}`;
}

/** A slope in the metric's unit per hour (and per 1,000 iterations when known). */
export function formatSlope(perHour: number, per1000Iterations: number | null, metric: string): string {
  const amount = metric === 'edgeCount' || metric === 'count' ? formatCount : formatBytes;
  const parts = [];
  if (per1000Iterations !== null) parts.push(`${signed(amount(per1000Iterations))}/1k it`);
  parts.push(`${signed(amount(perHour))}/h`);
  return parts.join(', ');
}

function formatCount(value: number): string {
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

function signed(text: string): string {
  return text.startsWith('-') ? text : `+${text}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line chart of a series, scaled between its own minimum and maximum. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return '';
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = high - low;
  return values
    .map((value) => BARS[span === 0 ? 0 : Math.round(((value - low) / span) * (BARS.length - 1))])
    .join('');
}

/** Columns padded to their widest cell; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, visibleLength(cell));
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell + ' '.repeat(widths[column]! - visibleLength(cell)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Characters a cell takes on screen: colour codes take none. */
function visibleLength(text: string): number {
  return [...text.replace(/\x1b\[[0-9;]*m/g, '')].length;
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
  if (metric !== 'edgeCount' && metric !== 'count') return formatBytes(value);
  return Number.isInteger(value) ? value.toLocaleString('en-US') : formatCount(value);
}

/** `self 24 B → 55.6 KiB`: the metric's first and last value. */
export function formatChange(series: readonly number[], metric: string): string {
  const first = series[0] ?? 0;
  const last = series.at(-1) ?? 0;
  return `${metricName(metric)} ${formatMetricValue(first, metric)} → ${formatMetricValue(last, metric)}`;
}

/**
 * The trend test's p-value, from a record's `confidence` (1 − p): small means a monotonic
 * trend is unlikely to be chance. Shown rather than 1 − p, which reads as certainty of a leak.
 */
export function formatTrendP(confidence: number): string {
  const pValue = 1 - confidence;
  if (pValue < 0.0001) return '<0.0001';
  return pValue.toPrecision(2);
}
