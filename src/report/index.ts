// Reports of runs, matrices and bisections: terminal, JSON, Markdown and HTML.

export { formatBytes, formatDuration, formatSlope, sparkline, table } from './format.js';
export { formatMatrix, formatRun, type TerminalOptions, verdictLabel } from './terminal.js';
