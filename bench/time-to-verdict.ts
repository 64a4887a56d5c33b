// `npm run bench:runner`: the main job's cost. For retained-maps on each runtime: wall time from
// start to verdict (runtime already installed), where it goes (the child's snapshot captures,
// the parent's parse and analysis), and the verdict. Writes bench/results/runner.{json,md}.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScenario } from '../src/run/index.js';
import { resolveRuntime } from '../src/runtimes/index.js';
import { formatResults } from './format-results.js';
import { currentLoadAverage, describeMachine } from './machine.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const nodes = (process.argv[2] ?? '22.14.0,22.15.0,20,24').split(',');
const runsDir = mkdtempSync(join(tmpdir(), 'heapdrift-bench-runner-'));

interface Row {
  node: string;
  verdict: string;
  wallSeconds: number;
  snapshots: number;
  iterations: number | null;
  captureSeconds: number;
  parseSeconds: number;
  analysisSeconds: number;
  medianSnapshotNodes: number;
}

const rows: Row[] = [];
const loadAtStart = currentLoadAverage();
for (const node of nodes) {
  const runtime = await resolveRuntime(node);
  const started = performance.now();
  const run = await runScenario({ scenario: 'retained-maps', node: runtime.path, runsDir });
  const wallSeconds = (performance.now() - started) / 1000;
  const sum = (pick: (row: (typeof run.snapshots)[number]) => number) =>
    run.snapshots.reduce((total, row) => total + pick(row), 0) / 1000;
  const nodeCounts = run.snapshots.map((row) => row.nodeCount).sort((a, b) => a - b);
  rows.push({
    node: runtime.version,
    verdict: run.verdict,
    wallSeconds,
    snapshots: run.snapshots.length,
    iterations: run.snapshots.at(-1)?.iteration ?? null,
    captureSeconds: sum((row) => row.captureMs),
    parseSeconds: sum((row) => row.parseMs),
    analysisSeconds: sum((row) => row.analysisMs),
    medianSnapshotNodes: nodeCounts[nodeCounts.length >> 1] ?? 0,
  });
  console.log(JSON.stringify(rows.at(-1)));
}

const machine = describeMachine();
const lines = [
  '# Time to verdict: retained-maps',
  '',
  `- Date: ${new Date().toISOString()}`,
  '- Command: `npm run bench:runner` (runtimes installed beforehand; download time not counted)',
  `- Machine: ${JSON.stringify(machine)}; 1-minute load average at start: ${loadAtStart}`,
  '- capture = the child writing snapshots (its main thread is paused meanwhile); parse and analysis run in',
  '  the parent while the child goes on, so the three do not add up to the wall time.',
  '',
  '| Node | Verdict | Wall s | Snapshots | Iterations | Capture s | Parse s | Analysis s | Nodes per snapshot (median) |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (row) =>
      `| ${row.node} | ${row.verdict} | ${row.wallSeconds.toFixed(1)} | ${row.snapshots} | ${row.iterations ?? '-'} | ${row.captureSeconds.toFixed(1)} | ${row.parseSeconds.toFixed(1)} | ${row.analysisSeconds.toFixed(1)} | ${row.medianSnapshotNodes} |`,
  ),
  '',
];
writeFileSync(join(repository, 'bench', 'results', 'runner.md'), `${lines.join('\n')}\n`);
writeFileSync(
  join(repository, 'bench', 'results', 'runner.json'),
  `${JSON.stringify({ machine, rows }, null, 2)}\n`,
);
formatResults(['md', 'json'].map((extension) => join(repository, 'bench', 'results', `runner.${extension}`)));
console.log(lines.join('\n'));
