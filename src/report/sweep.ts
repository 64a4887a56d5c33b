// A sweep's report: the releases whose verdict is a leak, new ones (no known-leak entry
// explains them) first and newest first, then one table of versions × scenarios — for the
// terminal, Markdown and a self-contained HTML page. `explain` names the known leak, if any.

import pc from 'picocolors';
import semver from 'semver';
import { table } from '../format/index.js';
import type { SweepCell, SweepRecord } from '../run/sweep-record.js';
import { escapeHtml } from './html.js';
import { verdictLabel } from './terminal.js';

/** The knowledge base's explanation of a leaking cell (e.g. "retained-maps, fixed in 22.15.0"), or null. */
export type ExplainLeak = (scenario: string, version: string) => string | null;

export interface SweepFinding {
  cell: SweepCell;
  known: string | null;
}

/** Leaking cells, unexplained ones first, newest release first within each group. */
export function sweepFindings(record: SweepRecord, explain: ExplainLeak): SweepFinding[] {
  return record.cells
    .filter((cell) => cell.verdict === 'leak')
    .map((cell) => ({ cell, known: explain(cell.scenario, cell.version) }))
    .sort(
      (a, b) =>
        Number(a.known !== null) - Number(b.known !== null) ||
        semver.rcompare(a.cell.version, b.cell.version) ||
        a.cell.scenario.localeCompare(b.cell.scenario),
    );
}

function cellAt(record: SweepRecord, scenario: string, version: string): SweepCell | undefined {
  return record.cells.find((cell) => cell.scenario === scenario && cell.version === version);
}

/** Versions newest first (new releases at the top), scenarios as columns. */
function grid(record: SweepRecord, label: (cell: SweepCell | undefined) => string): string[][] {
  const versions = [...record.versions].sort(semver.rcompare);
  return [
    ['Node', ...record.scenarios],
    ...versions.map((version) => [
      version,
      ...record.scenarios.map((scenario) => label(cellAt(record, scenario, version))),
    ]),
  ];
}

function title(record: SweepRecord): string {
  const shard = record.shard ? ` (shard ${record.shard.index}/${record.shard.count})` : '';
  return `sweep: ${record.scenarios.length} scenarios × ${record.versions.length} Node.js versions, heapdrift ${record.heapdriftVersion}${shard}`;
}

export function formatSweep(record: SweepRecord, explain: ExplainLeak, options: { color: boolean }): string {
  const colors = pc.createColors(options.color);
  const findings = sweepFindings(record, explain);
  const lines = [colors.bold(title(record)), ''];
  if (findings.length === 0) lines.push('No leaking release.');
  for (const { cell, known } of findings)
    lines.push(
      `  ${known ? 'known' : colors.red(colors.bold('NEW  '))}  Node ${cell.version}  ${cell.scenario}: ${known ?? cell.growing ?? cell.verdictReason}`,
    );
  const label = (cell: SweepCell | undefined) =>
    cell
      ? `${verdictLabel(cell.verdict, colors)}${cell.cached ? colors.dim(' (cached)') : ''}`
      : colors.dim('—');
  lines.push('', table(grid(record, label)));
  return lines.join('\n');
}

function plainVerdict(cell: SweepCell | undefined): string {
  if (!cell) return '—';
  return cell.verdict === 'leak' ? '**LEAK**' : cell.verdict === 'no-leak' ? 'no leak' : cell.verdict;
}

export function formatSweepMarkdown(record: SweepRecord, explain: ExplainLeak): string {
  const findings = sweepFindings(record, explain);
  const rows = grid(record, plainVerdict);
  const out = [`## ${title(record)}`, ''];
  if (findings.length === 0) out.push('No leaking release.', '');
  for (const { cell, known } of findings)
    out.push(
      `- ${known ? 'known' : '**new**'}: Node ${cell.version}, \`${cell.scenario}\` — ${known ?? cell.growing ?? cell.verdictReason}`,
    );
  if (findings.length > 0) out.push('');
  out.push(`| ${rows[0]!.join(' | ')} |`, `| ${rows[0]!.map(() => '---').join(' | ')} |`);
  for (const row of rows.slice(1)) out.push(`| ${row.join(' | ')} |`);
  return `${out.join('\n')}\n`;
}

export function formatSweepHtml(record: SweepRecord, explain: ExplainLeak): string {
  const findings = sweepFindings(record, explain);
  const cellHtml = (cell: SweepCell | undefined) =>
    cell
      ? `<td class="${escapeHtml(cell.verdict)}" title="${escapeHtml(cell.verdictReason)}">${escapeHtml(cell.verdict === 'no-leak' ? 'no leak' : cell.verdict)}</td>`
      : '<td>—</td>';
  const versions = [...record.versions].sort(semver.rcompare);
  const header = `<tr><th>Node</th>${record.scenarios.map((scenario) => `<th>${escapeHtml(scenario)}</th>`).join('')}</tr>`;
  const body = versions
    .map(
      (version) =>
        `<tr><th>${escapeHtml(version)}</th>${record.scenarios.map((scenario) => cellHtml(cellAt(record, scenario, version))).join('')}</tr>`,
    )
    .join('\n');
  const items = findings
    .map(
      ({ cell, known }) =>
        `<li>${known ? 'known' : '<strong>new</strong>'}: Node ${escapeHtml(cell.version)}, <code>${escapeHtml(cell.scenario)}</code> — ${escapeHtml(known ?? cell.growing ?? cell.verdictReason)}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title(record))}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
td.leak{background:#fdd;font-weight:bold}td.no-leak{background:#dfd}td.inconclusive,td.incomplete{background:#ffd}</style></head>
<body><h1>${escapeHtml(title(record))}</h1>
${findings.length ? `<ul>${items}</ul>` : '<p>No leaking release.</p>'}
<table>${header}
${body}</table></body></html>
`;
}
