// `npm run bench:verdicts`: the verdict corpus, measured. Runs every case of
// bench/verdicts/corpus as a user would (`heapdrift run <file>`, default schedule) several
// times, then looks for the smallest leak rate found in 60 s and 10 min runs, and writes
// bench/results/verdicts.{md,json}. Runs go in parallel child processes: verdicts rest on
// counts after a forced GC, which CPU contention slows but does not change.

import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RunRecord } from '../../src/run/result.js';
import { formatResults } from '../format-results.js';
import { currentLoadAverage, describeMachine } from '../machine.js';
import { limitTable, type RunOutcome, summaryTable } from './table.js';

const repository = fileURLToPath(new URL('../../../', import.meta.url));
const corpusDir = join(repository, 'bench', 'verdicts', 'corpus');
const cli = join(repository, 'dist', 'src', 'cli', 'main.js');
const resultsDir = join(repository, 'bench', 'results');

const { values } = parseArgs({
  options: {
    cases: { type: 'string' },
    'control-runs': { type: 'string', default: '10' },
    'leak-runs': { type: 'string', default: '3' },
    parallel: { type: 'string', default: String(Math.max(2, cpus().length)) },
    limits: { type: 'string', default: '60s,10m' },
    'limit-case': { type: 'string', default: 'audit-trail' },
    node: { type: 'string', default: 'system' },
    output: { type: 'string', default: 'verdicts' },
    /** Earlier outcomes (.jsonl files of this script) to table with this run's, e.g. long limit runs. */
    include: { type: 'string', default: '' },
  },
});

/** One run to make: a corpus case, a schedule, a leak rate. */
export interface RunPlan {
  caseName: string;
  expectation: 'leak' | 'no-leak';
  /** Extra `heapdrift run` flags (the default run has none). */
  flags: string[];
  /** HEAPDRIFT_CORPUS_EVERY: one leaked item per this many calls (leaks only). */
  every?: number;
  /** The limit search this run belongs to, e.g. `60s`. */
  limit?: string;
}

const allCases = readdirSync(corpusDir)
  .filter((file) => file.endsWith('.cjs'))
  .map((file) => file.replace(/\.cjs$/, ''));
const cases = values.cases === 'none' ? [] : values.cases ? values.cases.split(',') : allCases;
for (const name of cases) if (!allCases.includes(name)) throw new Error(`no corpus case ${name}`);
const expectationOf = (name: string) => (name.startsWith('control-') ? 'no-leak' : 'leak');

const plans: RunPlan[] = [];
// The detection limit: one object of the program's class per N calls, N rising tenfold, on
// snapshots every 5 s (60 s) or every 30 s (10 min): 12 and 20 snapshots. Long runs first, so
// they overlap the short ones.
const limitSchedules: Record<string, { flags: string[]; rates: number[] }> = {
  '60s': { flags: ['--duration', '60s', '--every', '5s'], rates: [100, 1_000, 10_000, 100_000] },
  '10m': { flags: ['--duration', '10m', '--every', '30s'], rates: [10_000, 100_000, 1_000_000] },
};
for (const limit of (values.limits ?? '').split(',').filter(Boolean).reverse()) {
  const schedule = limitSchedules[limit];
  if (!schedule)
    throw new Error(`--limits: ${limit} is not one of ${Object.keys(limitSchedules).join(', ')}`);
  for (const every of schedule.rates) {
    plans.push({ caseName: values['limit-case']!, expectation: 'leak', flags: schedule.flags, every, limit });
  }
}
for (const caseName of cases) {
  const expectation = expectationOf(caseName);
  const repeats = Number(expectation === 'leak' ? values['leak-runs'] : values['control-runs']);
  for (let run = 0; run < repeats; run++) plans.push({ caseName, expectation, flags: [] });
}

const runsDir = mkdtempSync(join(tmpdir(), 'heapdrift-bench-verdicts-'));
const progressFile = join(resultsDir, `${values.output}.jsonl`);
writeFileSync(progressFile, '');
const machine = describeMachine();
const startedAt = new Date();
const included = values
  .include!.split(',')
  .filter(Boolean)
  .flatMap((file) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RunOutcome),
  );
const outcomes: RunOutcome[] = [...included];
const parallel = Number(values.parallel);
console.log(`${plans.length} runs, ${parallel} at a time; progress in ${progressFile}`);

let next = 0;
await Promise.all(
  Array.from({ length: parallel }, async () => {
    while (next < plans.length) {
      const plan = plans[next++]!;
      const outcome = await runOnce(plan);
      outcomes.push(outcome);
      appendFileSync(progressFile, `${JSON.stringify(outcome)}\n`);
      console.log(
        `${outcomes.length}/${plans.length} ${plan.caseName}${plan.every ? ` every ${plan.every}` : ''}${plan.limit ? ` (${plan.limit})` : ''}: ${outcome.verdict} in ${outcome.wallSeconds.toFixed(0)} s, load ${outcome.loadAverage}`,
      );
    }
  }),
);

const endedAt = new Date();
const header = [
  '# Verdict corpus',
  '',
  `- Date: ${startedAt.toISOString()} – ${endedAt.toISOString()}`,
  `- Command: \`npm run bench:verdicts -- ${process.argv.slice(2).join(' ')}\` (Node ${values.node}, ${parallel} runs at a time)`,
  ...(included.length > 0
    ? [`- ${included.length} outcomes taken from earlier runs of this script: ${values.include}`]
    : []),
  `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; 1-minute load average ${machine.loadAverage} at start, ${currentLoadAverage()} at end (shared machine: wall times are noisy)`,
  '- Each run is `heapdrift run bench/verdicts/corpus/<case>.cjs` with the default schedule (12 snapshots, every 100',
  "  iterations for iteration modules, every 2 s for scripts); time to verdict is the run's wall time.",
  '',
];
const lines = [...header, ...summaryTable(outcomes), '', ...limitTable(outcomes), ''];
writeFileSync(join(resultsDir, `${values.output}.md`), `${lines.join('\n')}\n`);
writeFileSync(
  join(resultsDir, `${values.output}.json`),
  `${JSON.stringify({ machine, startedAt, endedAt, argv: process.argv.slice(2), outcomes }, null, 2)}\n`,
);
formatResults(['md', 'json'].map((extension) => join(resultsDir, `${values.output}.${extension}`)));
console.log(lines.join('\n'));

function runOnce(plan: RunPlan): Promise<RunOutcome> {
  const args = [
    cli,
    'run',
    join(corpusDir, `${plan.caseName}.cjs`),
    '--node',
    values.node!,
    '--json',
    '--quiet',
  ];
  args.push(...plan.flags, '--runs-dir', runsDir);
  const env = { ...process.env, HEAPDRIFT_CORPUS_EVERY: plan.every ? String(plan.every) : '' };
  const loadAverage = currentLoadAverage();
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => {
      const wallSeconds = (performance.now() - started) / 1000;
      let record: RunRecord | undefined;
      try {
        record = JSON.parse(stdout) as RunRecord;
      } catch {
        record = undefined;
      }
      resolve({
        ...plan,
        verdict: record?.verdict ?? `error (exit ${code})`,
        reason: record?.verdictReason ?? stderr.trim().split('\n').at(-1) ?? '',
        headline: record ? headlineOf(record) : '',
        exitCode: code,
        wallSeconds,
        iterations: record?.snapshots.at(-1)?.iteration ?? null,
        snapshots: record?.snapshots.length ?? 0,
        loadAverage,
      });
    });
  });
}

/** What the run names first: its first finding, else its first growing structure or class. */
function headlineOf(record: RunRecord): string {
  const withFindings = record as RunRecord & { findings?: { title: string }[] };
  if (withFindings.findings?.[0]) return withFindings.findings[0].title;
  const structure = record.structures.find((entry) => entry.verdict === 'growing');
  if (structure) return structure.label;
  return record.classes.find((entry) => entry.verdict === 'growing')?.className ?? '';
}
