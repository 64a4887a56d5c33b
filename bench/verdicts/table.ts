// The tables of the verdict corpus: per case, the verdict of every run and the time to
// verdict; per run length, the leak rates found and missed and the smallest found.

import type { RunPlan } from './run.js';

export interface RunOutcome extends RunPlan {
  verdict: string;
  reason: string;
  /** The first finding's title (or growing structure), what a user reads first. */
  headline: string;
  exitCode: number | null;
  wallSeconds: number;
  iterations: number | null;
  snapshots: number;
  /** 1-minute load average when the run started. */
  loadAverage: number;
}

export function summaryTable(outcomes: RunOutcome[]): string[] {
  const byCase = new Map<string, RunOutcome[]>();
  for (const outcome of outcomes.filter((item) => item.limit === undefined)) {
    const list = byCase.get(outcome.caseName) ?? [];
    list.push(outcome);
    byCase.set(outcome.caseName, list);
  }
  const rows = [...byCase].sort(([a], [b]) => a.localeCompare(b));
  return [
    '| Case | Expected | Runs | Verdicts | Right | Time to verdict s (median, max) | Load at start (max) | Named first |',
    '| --- | --- | ---: | --- | ---: | ---: | ---: | --- |',
    ...rows.map(([name, runs]) => {
      const expected = runs[0]!.expectation;
      const right = runs.filter((run) => run.verdict === expected).length;
      const times = runs.map((run) => run.wallSeconds).sort((a, b) => a - b);
      const headlines = [...new Set(runs.map((run) => run.headline).filter(Boolean))].slice(0, 2);
      return `| ${name} | ${expected} | ${runs.length} | ${tally(runs.map((run) => run.verdict))} | ${right}/${runs.length} | ${median(times).toFixed(0)}, ${times.at(-1)!.toFixed(0)} | ${Math.max(...runs.map((run) => run.loadAverage)).toFixed(1)} | ${headlines.map((text) => `\`${text.replaceAll('|', '\\|')}\``).join(', ')} |`;
    }),
  ];
}

export function limitTable(outcomes: RunOutcome[]): string[] {
  const limited = outcomes.filter((item) => item.limit !== undefined);
  if (limited.length === 0) return [];
  const lines = [
    '## Detection limit',
    '',
    `Case \`${limited[0]!.caseName}\`: one object of the program's class per N calls, N rising tenfold.`,
    '',
    '| Run | One object per N calls | Iterations in the run | Objects leaked in the run | Leaked per minute | Verdict |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ];
  const sorted = [...limited].sort((a, b) => a.limit!.localeCompare(b.limit!) || a.every! - b.every!);
  for (const run of sorted) {
    const leaked = leakedObjects(run);
    const perMinute = leaked === null ? '-' : ((leaked / run.wallSeconds) * 60).toFixed(1);
    lines.push(
      `| ${run.limit} | ${run.every} | ${run.iterations ?? '-'} | ${leaked ?? '-'} | ${perMinute} | ${run.verdict} |`,
    );
  }
  lines.push('');
  for (const limit of [...new Set(sorted.map((run) => run.limit!))]) {
    const found = sorted.filter((run) => run.limit === limit && run.verdict === 'leak');
    const smallest = found.at(-1);
    lines.push(
      smallest
        ? `- ${limit}: smallest rate found, one object per ${smallest.every} calls (${leakedObjects(smallest)} objects over the run)`
        : `- ${limit}: no rate tried was found`,
    );
  }
  return lines;
}

/** Objects a run of the limit case leaked: calls 0, N, 2N, … below its iteration count. */
function leakedObjects(run: RunOutcome): number | null {
  if (run.iterations === null || run.every === undefined) return null;
  return run.iterations > 0 ? Math.floor((run.iterations - 1) / run.every) + 1 : 0;
}

function tally(verdicts: string[]): string {
  const counts = new Map<string, number>();
  for (const verdict of verdicts) counts.set(verdict, (counts.get(verdict) ?? 0) + 1);
  return [...counts].map(([verdict, count]) => `${verdict} ×${count}`).join(', ');
}

function median(sorted: number[]): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
