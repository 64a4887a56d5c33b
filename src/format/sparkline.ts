// A one-line chart of a series. Long series are sampled evenly down to a width, so a long
// run's progress line does not wrap.

const BARS = '▁▂▃▄▅▆▇█';

/** At most `count` values, evenly spread, first and last included. */
export function sampleEvenly<T>(values: readonly T[], count: number): T[] {
  if (values.length <= count) return [...values];
  if (count <= 1) return values.slice(-Math.max(0, count));
  const picked: T[] = [];
  for (let index = 0; index < count; index++)
    picked.push(values[Math.round((index * (values.length - 1)) / (count - 1))]!);
  return picked;
}

/** Bars a sparkline has at most unless told otherwise: a table cell, not a chart. */
export const SPARKLINE_MAX_WIDTH = 40;

/** Bars scaled between the series' own minimum and maximum, at most `maxWidth` of them. */
export function sparkline(values: readonly number[], maxWidth = SPARKLINE_MAX_WIDTH): string {
  const shown = sampleEvenly(values, maxWidth);
  if (shown.length === 0) return '';
  const low = Math.min(...shown);
  const high = Math.max(...shown);
  const span = high - low;
  return shown
    .map((value) => BARS[span === 0 ? 0 : Math.round(((value - low) / span) * (BARS.length - 1))])
    .join('');
}
