// Counts, rates, percentages and p-values as heapdrift prints them (en-US digits and grouping).
// Self-contained functions (no module-level references): the HTML page embeds formatCount's source.

/** A count: whole numbers with thousands separators, fractions with one decimal. */
export function formatCount(value: number): string {
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(1);
}

/** A rate of a count (a slope): one decimal below 100, so "+0.0" reads as a measured rate. */
export function formatCountRate(value: number): string {
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

/** A leading "+" for positive and zero amounts; negative ones already carry "-". */
export function signed(text: string): string {
  return text.startsWith('-') ? text : `+${text}`;
}

/** `54.1%` of a fraction (0.541). */
export function formatPercent(fraction: number, decimals = 1): string {
  return `${(fraction * 100).toFixed(decimals)}%`;
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
