// Reports of runs, matrices and bisections: terminal, JSON, Markdown and HTML.

export {
  formatBytes,
  formatChange,
  formatDuration,
  formatMetricValue,
  formatSlope,
  formatTrendP,
  metricName,
  sparkline,
  table,
} from '../format/index.js';
export { type ChartGroup, type ChartLine, chartGroups } from './chart-groups.js';
export { formatHtml, type HtmlOptions } from './html.js';
export { formatJson } from './json.js';
export {
  isSingleRun,
  type LoadedReport,
  loadReport,
  parseRecord,
  reportRuns,
  type SavedRecord,
} from './load.js';
export { formatMarkdown, type MarkdownOptions } from './markdown.js';
export { writeReportFile } from './output-file.js';
export { formatRunsList, listSavedRuns, type SavedEntry } from './runs-list.js';
export { isStringClass, redactRecord } from './strings.js';
export {
  type ExplainLeak,
  formatSweep,
  formatSweepHtml,
  formatSweepMarkdown,
  type SweepFinding,
  sweepFindings,
} from './sweep.js';
export { colorFor, formatMatrix, formatRun, type TerminalOptions, verdictLabel } from './terminal.js';
