// Findings in reports: one per leak, led by the owner as the program names it, with the rates
// of what it holds, the full retainer path, and the structures and classes it explains.

import type pc from 'picocolors';
import type { FindingEntry, RunRecord } from '../run/result.js';

type Painter = ReturnType<typeof pc.createColors>;

/** Terminal lines of a run's findings (none for records without them). */
export function findingLines(record: RunRecord, colors: Painter, top: number): string[] {
  const findings = record.findings ?? [];
  if (findings.length === 0) return [];
  const lines = ['', colors.bold(findings.length === 1 ? 'Finding' : `Findings (${findings.length})`)];
  for (const finding of findings.slice(0, top)) {
    lines.push(`  ${finding.summary}`);
    lines.push(colors.dim(`    path: ${finding.path}`));
    const explains = explained(finding);
    if (explains) lines.push(colors.dim(`    explains: ${explains}`));
  }
  if (findings.length > top) lines.push(colors.dim(`  and ${findings.length - top} more (see --json)`));
  return lines;
}

/** The Markdown section: per run, a list of findings with their paths. */
export function findingsMarkdown(runs: RunRecord[], labels: string[], top: number): string {
  const lines = ['## Findings'];
  let any = false;
  runs.forEach((run, index) => {
    const findings = run.findings ?? [];
    if (findings.length === 0) return;
    any = true;
    if (runs.length > 1) lines.push('', `### ${labels[index]}`);
    lines.push('');
    for (const finding of findings.slice(0, top)) {
      lines.push(`- **${escapeMarkdown(finding.summary)}**`);
      lines.push(`  - retainer path: \`${finding.path.replaceAll('`', "'")}\``);
      const explains = explained(finding);
      if (explains) lines.push(`  - explains: ${escapeMarkdown(explains)}`);
    }
  });
  return any ? lines.join('\n') : '';
}

function explained(finding: FindingEntry): string {
  const parts: string[] = [];
  const structures = finding.structures.length;
  if (structures > 1) parts.push(`${structures} growing structures`);
  if (finding.classes.length > 0)
    parts.push(
      `growing classes ${finding.classes.slice(0, 6).join(', ')}${finding.classes.length > 6 ? ` and ${finding.classes.length - 6} more` : ''}`,
    );
  return parts.join('; ');
}

function escapeMarkdown(text: string): string {
  return text.replace(/([*_|<>])/g, '\\$1');
}
