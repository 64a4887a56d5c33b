// The terminal face of runs and matrices: a verdict line, the tracked structures with their
// slopes and sparklines, the top growing structures with their paths. Colour only when the
// caller says the stream is a terminal (picocolors also honours NO_COLOR).

import { join } from 'node:path';
import pc from 'picocolors';
import {
  formatChange,
  formatCount,
  formatDuration,
  formatSlope,
  formatTrendP,
  sparkline,
  table,
} from '../format/index.js';
import type { JudgedSeries, RunRecord } from '../run/result.js';
import { describeSettled, snapshotCountText } from '../run/stopping-rule.js';
import { findingLines } from './findings.js';

export interface TerminalOptions {
  color: boolean;
  /** Rows of growing structures to list. */
  top?: number;
}

type Painter = ReturnType<typeof pc.createColors>;

/**
 * Whether to colour what goes to this stream: only a terminal, never with NO_COLOR set
 * (https://no-color.org: any non-empty value) or TERM=dumb, so piped output has no escape codes.
 */
export function colorFor(stream: { isTTY?: boolean }, environment: NodeJS.ProcessEnv = process.env): boolean {
  if (stream.isTTY !== true) return false;
  if (environment.NO_COLOR !== undefined && environment.NO_COLOR !== '') return false;
  return environment.TERM !== 'dumb';
}

export function verdictLabel(verdict: string, colors: Painter): string {
  switch (verdict) {
    case 'leak':
    case 'growing':
      return colors.red(colors.bold(verdict === 'leak' ? 'LEAK' : 'growing'));
    case 'no-leak':
    case 'stable':
      return colors.green(verdict === 'no-leak' ? 'no leak' : 'stable');
    default:
      return colors.yellow(verdict);
  }
}

function seriesCells(entry: JudgedSeries): string[] {
  return [
    formatChange(entry.series, entry.metric),
    formatSlope(entry.slopePerHour, entry.slopePer1000Iterations, entry.metric),
    formatTrendP(entry.confidence),
    sparkline(entry.series),
  ];
}

export function formatRun(record: RunRecord, options: TerminalOptions): string {
  const colors = pc.createColors(options.color);
  const lines: string[] = [];
  const runtime = `Node ${record.runtime.version}${record.runtime.v8Version ? ` (V8 ${record.runtime.v8Version})` : ''}`;
  lines.push(`${colors.bold(record.scenario.name)} on ${runtime}: ${verdictLabel(record.verdict, colors)}`);
  lines.push(colors.dim(`  ${record.verdictReason}`));
  lines.push(
    colors.dim(
      `  ${plural(record.snapshots.length, 'snapshot')} over ${formatDuration(record.wallMs)}${lastIteration(record)}${settledNote(record)}`,
    ),
  );
  lines.push(...programErrorLines(record, colors));
  if (record.tracks.length > 0) {
    lines.push('', colors.bold('Tracked structures'));
    const rows = [['structure', 'verdict', 'change', 'slope', 'trend p', 'series']];
    for (const track of record.tracks) {
      rows.push([track.name, verdictLabel(track.verdict, colors), ...seriesCells(track)]);
    }
    lines.push(indent(table(rows)));
    for (const track of record.tracks) {
      if (track.retainerPath)
        lines.push(
          colors.dim(`  ${track.name}: ${track.nodeName ?? track.className} via ${track.retainerPath}`),
        );
    }
  }
  lines.push(...findingLines(record, colors, options.top ?? 5));
  const growing = record.structures
    .filter((structure) => structure.verdict === 'growing')
    .slice(0, options.top ?? 5);
  if (growing.length > 0) {
    lines.push('', colors.bold('Top growing structures'));
    const rows = [['structure', 'change', 'slope', 'trend p', 'series']];
    for (const structure of growing) rows.push([structure.label, ...seriesCells(structure)]);
    lines.push(indent(table(rows)));
    for (const structure of growing.slice(0, 3))
      lines.push(colors.dim(`  ${structure.label}: ${structure.path}`));
  }
  const growingClasses = record.classes
    .filter((entry) => entry.verdict === 'growing')
    .slice(0, options.top ?? 5);
  if (growingClasses.length > 0) {
    lines.push('', colors.bold('Growing classes'));
    const rows = [['class', 'change', 'slope', 'trend p', 'series']];
    for (const entry of growingClasses) rows.push([entry.className, ...seriesCells(entry)]);
    lines.push(indent(table(rows)));
  }
  lines.push('', colors.dim(`Saved in ${record.directory}`));
  return lines.join('\n');
}

export function formatMatrix(records: RunRecord[], options: TerminalOptions): string {
  const colors = pc.createColors(options.color);
  const rows = [['node', 'verdict', 'tracked', 'change', 'slope', 'trend p', 'series', 'time', 'snapshots']];
  for (const record of records) {
    const tracked = record.tracks[0];
    const structure = record.structures.find((entry) => entry.verdict === 'growing') ?? record.structures[0];
    const track = tracked ?? structure;
    const name = tracked ? tracked.name : (structure?.label ?? '-');
    rows.push([
      record.runtime.version,
      verdictLabel(record.verdict, colors),
      name,
      ...(track ? seriesCells(track) : ['-', '-', '-', '-']),
      formatDuration(record.wallMs),
      snapshotCountText(record),
    ]);
  }
  return table(rows);
}

/** On a crash, the program's own last words: its error and stack, from its stderr. */
function programErrorLines(record: RunRecord, colors: Painter): string[] {
  const exit = record.exit;
  if (!exit?.lastStderr?.length || exit.reason === 'completed' || exit.reason === 'stopped') return [];
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  const where = record.output ? ` (all of it in ${join(record.directory, record.output.stderr)})` : '';
  return [
    '',
    `  The program ended (${exit.reason}, ${how}). Its last stderr lines${where}:`,
    ...exit.lastStderr.map((line) => colors.dim(`    │ ${line}`)),
  ];
}

/** `; settled after 8 of 16 snapshots (rule: …)` for a run the stopping rule ended. */
function settledNote(record: RunRecord): string {
  const settled = describeSettled(record.settle);
  return settled ? `; ${settled} (stopping rule: ${record.settle!.rule})` : '';
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function lastIteration(record: RunRecord): string {
  const iteration = record.snapshots.at(-1)?.iteration;
  return iteration === null || iteration === undefined ? '' : `, ${formatCount(iteration)} iterations`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
