// How heapdrift writes numbers for people: bytes, durations, counts, metric names, changes,
// slopes, sparklines and terminal tables. No dependencies, so every layer (growth, report, CLI,
// the HTML page) can use the same functions.

export { formatBytes } from './bytes.js';
export { formatCommand, shellQuote } from './command.js';
export { formatDuration } from './duration.js';
export { formatChange, formatMetricValue, formatSlope, isCountMetric, metricName } from './metrics.js';
export { formatCount, formatCountRate, formatPercent, formatTrendP, signed } from './numbers.js';
export { SPARKLINE_MAX_WIDTH, sampleEvenly, sparkline } from './sparkline.js';
export { type Align, type TableOptions, table, tableLines, visibleLength } from './table.js';
