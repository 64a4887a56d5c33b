// `npm run bench:runner`: the main job's time to verdict. Runs `heapdrift matrix retained-maps`
// over 19 releases (runtimes installed beforehand, download not counted) N times and writes
// bench/results/runner.{json,md}: per repeat the wall and CPU time, how many verdicts match the
// knowledge base, and per runtime the snapshots taken and where their time went.
//
//   npm run bench:runner -- [--repeats 3] [--jobs N (default: matrix's)] [--no-until-settled] [--nodes a,b] [--cache-dir d] [--out name]

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { answerFor, defaultKnowledgeDir, loadEntry } from '../src/knowledge/index.js';
import { defaultMatrixJobs, type RunRecord, runMatrix } from '../src/run/index.js';
import { DEFAULT_SETTLE_RULE, describeSettleRule } from '../src/run/stopping-rule.js';
import { resolveRuntime } from '../src/runtimes/index.js';
import { formatResults } from './format-results.js';
import { currentLoadAverage, describeMachine } from './machine.js';

/** 20 and 21 (never affected), 8 affected 22.x/23.x, the fixed 22.x/23.x releases, 24, 25, 26. */
export const RUNNER_NODES = [
  '20.20.2',
  '21.7.3',
  '22.0.0',
  '22.4.0',
  '22.8.0',
  '22.12.0',
  '22.14.0',
  '23.0.0',
  '23.5.0',
  '23.10.0',
  '22.15.0',
  '22.16.0',
  '22.23.5',
  '23.11.0',
  '23.11.1',
  '24.0.0',
  '24.21.0',
  '25.9.0',
  '26.10.0',
];

const repository = fileURLToPath(new URL('../../', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    jobs: { type: 'string' },
    'no-until-settled': { type: 'boolean', default: false },
    nodes: { type: 'string' },
    'cache-dir': { type: 'string' },
    out: { type: 'string', default: 'runner' },
  },
});
const repeats = Number(flags.repeats);
// Default: what `heapdrift matrix` itself would use here.
const jobs = flags.jobs === undefined ? defaultMatrixJobs({ scenario: 'retained-maps' }) : Number(flags.jobs);
const untilSettled = !flags['no-until-settled'];
const nodes = flags.nodes ? flags.nodes.split(',') : RUNNER_NODES;
const cacheDir = flags['cache-dir'];

interface RuntimeRow {
  node: string;
  verdict: string;
  expected: string;
  right: boolean;
  snapshots: number;
  settledAfter: number | null;
  /** The run's verdict after each snapshot (the stopping rule's input). */
  verdicts: string[];
  wallSeconds: number;
  captureSeconds: number;
  gcSeconds: number;
  writeSeconds: number;
  parseSeconds: number;
  analysisSeconds: number;
}

interface Repeat {
  repeat: number;
  wallSeconds: number;
  /** heapdrift's own process and every child it ran (from /proc/self/stat), in seconds. */
  cpuSeconds: number;
  verdictsRight: number;
  runtimes: number;
  loadAtStart: number;
  loadAtEnd: number;
  rows: RuntimeRow[];
}

const entry = loadEntry(join(defaultKnowledgeDir(), 'retained-maps'));
const expectedVerdict = (version: string) =>
  answerFor(entry.entry, version).status === 'affected' ? 'leak' : 'no-leak';

// Installed (or found in the cache) before the clock starts.
for (const node of nodes) await resolveRuntime(node, { cacheDir });

const results: Repeat[] = [];
for (let repeat = 1; repeat <= repeats; repeat++) {
  const runsDir = mkdtempSync(join(tmpdir(), 'heapdrift-bench-runner-'));
  const loadAtStart = currentLoadAverage();
  const cpuAtStart = cpuSeconds();
  const started = performance.now();
  const matrix = await runMatrix({
    scenario: 'retained-maps',
    nodes,
    runsDir,
    cacheDir,
    jobs,
    // Off: the rule still watches (its verdict after every snapshot is recorded) but never stops.
    untilSettled: true,
    settleRule: untilSettled ? DEFAULT_SETTLE_RULE : { ...DEFAULT_SETTLE_RULE, minimumSnapshots: Infinity },
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const rows = matrix.runs.map((run) => runtimeRow(run));
  results.push({
    repeat,
    wallSeconds: round(wallSeconds),
    cpuSeconds: round(cpuSeconds() - cpuAtStart),
    verdictsRight: rows.filter((row) => row.right).length,
    runtimes: nodes.length,
    loadAtStart,
    loadAtEnd: currentLoadAverage(),
    rows,
  });
  const last = results.at(-1)!;
  console.log(
    `repeat ${repeat}: ${last.wallSeconds} s wall, ${last.cpuSeconds} s CPU, ${last.verdictsRight}/${last.runtimes} verdicts right, load ${loadAtStart} -> ${last.loadAtEnd}`,
  );
}

function runtimeRow(run: RunRecord): RuntimeRow {
  const sum = (pick: (row: RunRecord['snapshots'][number]) => number | undefined) =>
    round(run.snapshots.reduce((total, row) => total + (pick(row) ?? 0), 0) / 1000);
  const expected = expectedVerdict(run.runtime.version);
  return {
    node: run.runtime.version,
    verdict: run.verdict,
    expected,
    right: run.verdict === expected,
    snapshots: run.snapshots.length,
    settledAfter: run.settle?.settledAfter ?? null,
    verdicts: run.settle?.verdicts ?? [],
    wallSeconds: round(run.wallMs / 1000),
    captureSeconds: sum((row) => row.captureMs),
    gcSeconds: sum((row) => row.gcMs),
    writeSeconds: sum((row) => row.writeMs),
    parseSeconds: sum((row) => row.parseMs),
    analysisSeconds: sum((row) => row.analysisMs),
  };
}

/** User + system CPU of this process and of its waited-for children (Linux), in seconds. */
function cpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14-17 of stat (utime, stime, cutime, cstime), counted after the ")": 11-14.
    const ticks = [11, 12, 13, 14].reduce((total, index) => total + Number(fields[index]), 0);
    return ticks / 100;
  } catch {
    return Number.NaN;
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

const machine = describeMachine();
const rule = untilSettled ? describeSettleRule(DEFAULT_SETTLE_RULE) : 'off (every snapshot taken)';
const command = `npm run bench:runner -- --repeats ${repeats} --jobs ${jobs}${untilSettled ? '' : ' --no-until-settled'}`;
const lines = [
  `# Time to verdict: heapdrift matrix retained-maps over ${nodes.length} releases`,
  '',
  `- Date: ${new Date().toISOString()}`,
  `- Command: \`${command}\` (runtimes installed beforehand; download time not counted)`,
  `- Machine: ${JSON.stringify(machine)}`,
  `- Jobs: ${jobs}; stopping rule: ${rule}; expected verdicts from the knowledge base (leak on 22.0.0–22.14.x and 23.0.0–23.10.x)`,
  '- CPU s = heapdrift and every runtime it ran (user + system); on a shared machine wall time depends on the load.',
  '',
  '| Repeat | Wall s | CPU s | Verdicts right | Load at start → end | Snapshots per runtime |',
  '| ---: | ---: | ---: | ---: | --- | --- |',
  ...results.map(
    (result) =>
      `| ${result.repeat} | ${result.wallSeconds} | ${result.cpuSeconds} | ${result.verdictsRight}/${result.runtimes} | ${result.loadAtStart} → ${result.loadAtEnd} | ${result.rows.map((row) => `${row.node} ${row.snapshots}`).join(', ')} |`,
  ),
  '',
  `Last repeat per runtime (seconds summed over its snapshots; capture = gc + write + the wait for the child's next safe point):`,
  '',
  '| Node | Verdict | Expected | Snapshots | Settled after | Wall s | Capture s | GC s | Write s | Parse s | Analysis s |',
  '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...(results.at(-1)?.rows ?? []).map(
    (row) =>
      `| ${row.node} | ${row.verdict} | ${row.expected} | ${row.snapshots} | ${row.settledAfter ?? '-'} | ${row.wallSeconds} | ${row.captureSeconds} | ${row.gcSeconds} | ${row.writeSeconds} | ${row.parseSeconds} | ${row.analysisSeconds} |`,
  ),
  '',
];
const out = join(repository, 'bench', 'results', flags.out);
writeFileSync(`${out}.md`, `${lines.join('\n')}\n`);
writeFileSync(
  `${out}.json`,
  `${JSON.stringify({ machine, command, jobs, rule, nodes, repeats: results }, null, 2)}\n`,
);
formatResults([`${out}.md`, `${out}.json`]);
console.log(lines.join('\n'));
