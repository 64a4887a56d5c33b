// `npm run bench:testing`: do leak tests flake? Runs the leak tests' own cases (test/helpers/
// leak-cases.ts) in fresh processes, 20 times per runtime by default: the clean functions must
// never fail and the leaks must always fail. Records the time of each judgement (wall and CPU,
// the first in a process apart: it also warms up the measurement itself). Writes
// bench/results/testing-flakes.{md,json}.
// Usage: node dist/bench/testing-flakes.js [runs] [runtimes, e.g. system,24.21.0] [groups: clean,leaking]
//   [runs per process: 1 = a fresh process per run]
// The results are rewritten after every run, so an interrupted benchmark keeps what it measured.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseOutcome } from '../test/helpers/leak-cases-run.js';
import { nodeBinary } from '../test/helpers/node-binaries.js';
import { formatResults } from './format-results.js';
import { currentLoadAverage, describeMachine } from './machine.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const runner = fileURLToPath(new URL('../test/helpers/leak-cases-run.js', import.meta.url));
const runs = Number(process.argv[2] ?? 20);
const runtimes = (process.argv[3] ?? 'system,24.21.0').split(',');
const groups = process.argv[4] ?? 'clean,leaking';
const runsPerProcess = Number(process.argv[5] ?? 1);

interface CaseSummary {
  node: string;
  group: CaseOutcome['group'];
  name: string;
  runs: number;
  /** Runs whose verdict is wrong: a clean function judged growing, a leak not judged growing. */
  wrong: number;
  verdicts: Record<string, number>;
  objectsPerCall: { min: number; max: number };
  medianWallMs: number;
  maxWallMs: number;
  medianCpuMs: number;
  maxCpuMs: number;
}

const loadAtStart = currentLoadAverage();
const started = new Date();
const outcomes: CaseOutcome[] = [];
for (const runtime of runtimes) {
  const node = nodeBinary(runtime);
  for (let run = runsPerProcess; run <= runs; run += runsPerProcess) {
    const args = [runner, groups, String(runsPerProcess)];
    const output = execFileSync(node, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    const lines = output.trim().split('\n');
    outcomes.push(...lines.map((line) => JSON.parse(line) as CaseOutcome));
    const wrong = outcomes.slice(-lines.length).filter(isWrong).length;
    console.error(`${runtime} runs to ${run}/${runs}: ${wrong} wrong, load ${currentLoadAverage()}`);
    writeResults();
  }
}

function writeResults(): void {
  const keys = [...new Set(outcomes.map((outcome) => `${outcome.nodeVersion}\t${outcome.name}`))];
  const summaries = keys.map((key) =>
    summarize(outcomes.filter((outcome) => `${outcome.nodeVersion}\t${outcome.name}` === key)),
  );
  const later = (version: string) =>
    outcomes.filter(
      (outcome) => outcome.nodeVersion === version && outcome.group === 'clean' && outcome.indexInProcess > 0,
    );
  const firsts = (version: string) =>
    outcomes.filter((outcome) => outcome.nodeVersion === version && outcome.indexInProcess === 0);
  const versions = [...new Set(outcomes.map((outcome) => outcome.nodeVersion))];
  const seconds = (ms: number) => (ms / 1000).toFixed(2);

  const machine = { ...describeMachine(), loadAverage: loadAtStart, loadAverageAtEnd: currentLoadAverage() };
  const lines = [
    '# Leak tests: flakes, sensitivity and time per judgement',
    '',
    `- Date: ${started.toISOString()}`,
    `- Command: \`npm run bench:testing -- ${runs} ${runtimes.join(',')} ${groups} ${runsPerProcess}\``,
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; 1-minute load average ${machine.loadAverage} at start, ${machine.loadAverageAtEnd} at the end`,
    `- ${runsPerProcess === 1 ? 'Each run is a fresh process' : `Runs share processes, ${runsPerProcess} to a process,`} running the cases of test/helpers/leak-cases.ts (${groups.replace(',', ', then ')}) with \`measureLeak(fn)\` and default options (8 batches of 100 calls after 100 warm-up calls); ${outcomes.length} judgements.`,
    '- Wrong: a clean case judged growing, or a leak not judged growing. CPU: user + system time of the whole',
    "  process (all threads) during the judgement; wall time depends on the machine's load, CPU time much less.",
    '',
    '| Node | Case | Runs | Wrong | Verdicts | Objects per call | Wall s (median / max) | CPU s (median / max) |',
    '| --- | --- | ---: | ---: | --- | --- | --- | --- |',
    ...summaries.map(
      (row) =>
        `| ${row.node} | ${row.group}: ${row.name} | ${row.runs} | ${row.wrong} | ${Object.entries(
          row.verdicts,
        )
          .map(([verdict, count]) => `${verdict} ${count}`)
          .join(
            ', ',
          )} | ${row.objectsPerCall.min.toFixed(2)} – ${row.objectsPerCall.max.toFixed(2)} | ${seconds(row.medianWallMs)} / ${seconds(row.maxWallMs)} | ${seconds(row.medianCpuMs)} / ${seconds(row.maxCpuMs)} |`,
    ),
    '',
    'Time per clean judgement, apart from the first of each process (which also warms up the measurement:',
    '10 warm-up ticks instead of 4):',
    '',
    '| Node | Clean judgements | Wall s (median / max) | CPU s (median / max) | First in process: wall s / CPU s (median) |',
    '| --- | ---: | --- | --- | --- |',
    ...versions.map((version) => {
      const rows = later(version);
      const first = firsts(version);
      return `| ${version} | ${rows.length} | ${seconds(median(rows.map((row) => row.wallMs)))} / ${seconds(Math.max(...rows.map((row) => row.wallMs)))} | ${seconds(median(rows.map((row) => row.cpuMs)))} / ${seconds(Math.max(...rows.map((row) => row.cpuMs)))} | ${seconds(median(first.map((row) => row.wallMs)))} / ${seconds(median(first.map((row) => row.cpuMs)))} |`;
    }),
    '',
  ];
  const results = join(repository, 'bench', 'results');
  writeFileSync(join(results, 'testing-flakes.md'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(results, 'testing-flakes.json'),
    `${JSON.stringify({ machine, runs, summaries }, null, 2)}\n`,
  );
  formatResults([join(results, 'testing-flakes.md'), join(results, 'testing-flakes.json')]);
}

function isWrong(outcome: CaseOutcome): boolean {
  return (outcome.verdict === 'growing') !== (outcome.group === 'leaking');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}

function summarize(selected: CaseOutcome[]): CaseSummary {
  const first = selected[0]!;
  const verdicts: Record<string, number> = {};
  for (const outcome of selected) verdicts[outcome.verdict] = (verdicts[outcome.verdict] ?? 0) + 1;
  const perCall = selected.map((outcome) => outcome.objectsPerCall);
  return {
    node: first.nodeVersion,
    group: first.group,
    name: first.name,
    runs: selected.length,
    wrong: selected.filter(isWrong).length,
    verdicts,
    objectsPerCall: { min: Math.min(...perCall), max: Math.max(...perCall) },
    medianWallMs: median(selected.map((outcome) => outcome.wallMs)),
    maxWallMs: Math.max(...selected.map((outcome) => outcome.wallMs)),
    medianCpuMs: median(selected.map((outcome) => outcome.cpuMs)),
    maxCpuMs: Math.max(...selected.map((outcome) => outcome.cpuMs)),
  };
}
