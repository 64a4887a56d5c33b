// `heapdrift report <dir>`: a saved run, matrix or bisection as text, JSON, a Markdown bug
// report or a self-contained HTML page with charts, on stdout or into a private file.

import { existsSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import {
  colorFor,
  formatHtml,
  formatJson,
  formatMarkdown,
  formatMatrix,
  formatRun,
  isSingleRun,
  loadReport,
  redactRecord,
  reportRuns,
  writeReportFile,
} from '../../report/index.js';
import type { BisectRecord, MatrixRecord } from '../../run/result.js';
import { action } from '../output.js';

const FORMATS = ['text', 'json', 'md', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface ReportFlags {
  format?: string;
  output?: string;
  showStrings?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'report a saved run, matrix or bisection: text, JSON, Markdown bug report, or HTML with charts',
    )
    .argument('<dir>', 'a run, matrix or bisect directory (or its run.json / matrix.json / bisect.json)')
    .option('--format <format>', "text | json | md | html (default: from --output's extension, else text)")
    .option('-o, --output <file>', 'write the report to this file (mode 0600, written atomically)')
    .option('--show-strings', 'show the contents of tracked heap strings (hidden by default)')
    .addHelpText(
      'after',
      `
json is the saved record itself (schemaVersion 1, kind run | series | attach | matrix | bisect), the same as
\`heapdrift run --json\`. md is ready to paste into a bug report. html is one file that works
offline (charts inlined). A run that did not finish is reported as INCOMPLETE.`,
    )
    .action(action(reportCommand));
}

function reportCommand(dir: string, flags: ReportFlags): number {
  const format = chooseFormat(flags);
  const loaded = loadReport(resolve(dir));
  if (loaded.incomplete)
    process.stderr.write(`heapdrift: warning: ${dir}: incomplete: ${loaded.incomplete}\n`);
  const showStrings = flags.showStrings ?? false;
  let text: string;
  switch (format) {
    case 'json':
      text = formatJson(loaded, { showStrings });
      break;
    case 'md':
      text = formatMarkdown(loaded, { showStrings });
      break;
    case 'html':
      if (!flags.output && process.stdout.isTTY)
        throw new UserError('--format html: give --output FILE (or redirect stdout) for the HTML page');
      text = formatHtml(loaded, { showStrings });
      break;
    case 'text': {
      const color = flags.output ? false : colorFor(process.stdout);
      const record = redactRecord(loaded.record, showStrings);
      const body = isSingleRun(record) ? formatRun(record, { color }) : groupText(record, color);
      text = `${loaded.incomplete ? `INCOMPLETE: ${loaded.incomplete}\n` : ''}${body}\n`;
      break;
    }
  }
  if (flags.output) {
    const target = resolve(flags.output);
    if (!existsSync(dirname(target)))
      throw new UserError(
        `--output ${flags.output}: the directory ${dirname(target)} does not exist`,
        'ERR_HEAPDRIFT_NOT_FOUND',
      );
    writeReportFile(target, text);
    process.stderr.write(`heapdrift: wrote ${flags.output} (${format})\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

/** A matrix or bisection in the terminal: what was asked, what was found, a row per version. */
function groupText(record: MatrixRecord | BisectRecord, color: boolean): string {
  const lines = [`${record.kind} ${record.scenario}: ${record.command}`];
  if (record.kind === 'bisect')
    lines.push(
      record.firstChanged
        ? `the verdict changes in ${record.firstChanged} (last before it: ${record.lastBefore ?? '?'})`
        : `no change point: ${record.reason}`,
    );
  lines.push('', formatMatrix(reportRuns(record), { color }), '', `Saved in ${record.directory}`);
  return lines.join('\n');
}

function chooseFormat(flags: ReportFlags): Format {
  if (flags.format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(flags.format))
      throw new UserError(`--format "${flags.format}": expected one of ${FORMATS.join(', ')}`);
    return flags.format as Format;
  }
  const extension = flags.output ? extname(flags.output).toLowerCase() : '';
  if (extension === '.html' || extension === '.htm') return 'html';
  if (extension === '.md' || extension === '.markdown') return 'md';
  if (extension === '.json') return 'json';
  return 'text';
}
