// The JSON report: the saved record itself, in the schema `heapdrift run --json` prints
// (schemaVersion 1), with tracked string contents hidden unless asked.

import type { LoadedReport } from './load.js';
import { redactRecord } from './strings.js';

export function formatJson(loaded: LoadedReport, options: { showStrings?: boolean } = {}): string {
  return `${JSON.stringify(redactRecord(loaded.record, options.showStrings ?? false), null, 2)}\n`;
}
