// What Node's own `gc` PerformanceObserver costs, per Node.js version, with no heapdrift code in
// the process: a loop of short-lived objects (bench/gc-observer-cost-child.mjs) in blocks with an
// empty-callback observer connected or not, V8's per-collection trace (--trace-gc-nvp) read per
// block. It shows where the monitor's measured overhead on a service comes from: the bytes each
// scavenge promotes to the old generation with the observer on (objects Node allocates for every
// entry, then kept across two scavenges), and the CPU that costs.
// Run: npm run bench:gc-observer [-- <runtime spec> ...] (default: this Node, 22, 24, 26).
// Results: bench/results/gc-observer-cost.{md,json}.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveRuntime } from '../src/runtimes/index.js';
import { formatResults } from './format-results.js';
import { currentLoadAverage, describeMachine } from './machine.js';
import { formatInterval, type MeanInterval, meanInterval } from './paired-interval.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const child = join(repository, 'bench', 'gc-observer-cost-child.mjs');
const PAIRS = 30;
const BLOCK_MS = 1000;

interface Scavenge {
  pauseMs: number;
  promotedBytes: number;
  survivedBytes: number;
}

interface Block {
  observed: boolean;
  units: number;
  cpuMicroseconds: number;
  scavenges: Scavenge[];
}

interface VersionResult {
  spec: string;
  version: string;
  /** Per side: scavenges per 1,000 units, and means per scavenge. */
  sides: Record<'on' | 'off', SideSummary>;
  /** Paired change of CPU per unit of work, observer on against off, in percent. */
  cpuChange: MeanInterval;
  /** CPU µs each collection costs with the observer on: the CPU difference per unit over collections per unit. */
  microsecondsPerCollection: number;
}

interface SideSummary {
  blocks: number;
  scavengesPerSecondOfCpu: number;
  promotedBytesPerScavenge: number;
  survivedBytesPerScavenge: number;
  pauseMsPerScavenge: number;
  cpuMicrosecondsPerUnit: number;
}

/** One scavenge from a --trace-gc-nvp line: `key=value` pairs up to Node 24, JSON since. */
function parseScavenge(line: string): Scavenge | null {
  const json = line.indexOf('GC: {');
  if (json >= 0) {
    const record = JSON.parse(line.slice(json + 4)) as Record<string, unknown>;
    if (record['gc'] !== 's') return null;
    return {
      pauseMs: Number(record['pause']),
      promotedBytes: Number(record['promoted']),
      survivedBytes: Number(record['new_space_survived']),
    };
  }
  if (!line.includes(' gc=s ')) return null;
  const field = (key: string) => Number(new RegExp(` ${key}=([\\d.]+)`).exec(line)?.[1] ?? Number.NaN);
  return {
    pauseMs: field('pause'),
    promotedBytes: field('promoted'),
    survivedBytes: field('new_space_survived'),
  };
}

function parseBlocks(output: string): Block[] {
  const blocks: Block[] = [];
  let measuring = false;
  let current: Block | null = null;
  for (const line of output.split('\n')) {
    if (line === 'MEASURE') measuring = true;
    else if (line.startsWith('BLOCK ')) {
      current = { observed: line.endsWith('on'), units: 0, cpuMicroseconds: 0, scavenges: [] };
    } else if (line.startsWith('END ') && current) {
      const [, , units, cpu] = line.split(' ');
      current.units = Number(units);
      current.cpuMicroseconds = Number(cpu);
      if (measuring) blocks.push(current);
      current = null;
    } else if (current) {
      const scavenge = parseScavenge(line);
      if (scavenge) current.scavenges.push(scavenge);
    }
  }
  return blocks;
}

function summarize(blocks: Block[]): SideSummary {
  const scavenges = blocks.flatMap((block) => block.scavenges);
  const units = blocks.reduce((sum, block) => sum + block.units, 0);
  const cpu = blocks.reduce((sum, block) => sum + block.cpuMicroseconds, 0);
  const mean = (value: (scavenge: Scavenge) => number) =>
    scavenges.reduce((sum, scavenge) => sum + value(scavenge), 0) / Math.max(scavenges.length, 1);
  return {
    blocks: blocks.length,
    scavengesPerSecondOfCpu: scavenges.length / (cpu / 1e6),
    promotedBytesPerScavenge: mean((scavenge) => scavenge.promotedBytes),
    survivedBytesPerScavenge: mean((scavenge) => scavenge.survivedBytes),
    pauseMsPerScavenge: mean((scavenge) => scavenge.pauseMs),
    cpuMicrosecondsPerUnit: cpu / units,
  };
}

/** Per pair (consecutive blocks, one of each side): the change of CPU per unit, in percent. */
function pairedChanges(blocks: Block[]): number[] {
  const changes: number[] = [];
  for (let index = 0; index + 1 < blocks.length; index += 2) {
    const pair = [blocks[index]!, blocks[index + 1]!];
    const on = pair.find((block) => block.observed);
    const off = pair.find((block) => !block.observed);
    if (!on || !off) continue;
    changes.push((on.cpuMicroseconds / on.units / (off.cpuMicroseconds / off.units) - 1) * 100);
  }
  return changes;
}

async function measure(spec: string): Promise<VersionResult> {
  const runtime = await resolveRuntime(spec);
  const output = execFileSync(runtime.path, ['--trace-gc-nvp', child, String(PAIRS), String(BLOCK_MS)], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  const blocks = parseBlocks(output);
  const on = summarize(blocks.filter((block) => block.observed));
  const off = summarize(blocks.filter((block) => !block.observed));
  const scavengesPerUnitOn = (on.scavengesPerSecondOfCpu * on.cpuMicrosecondsPerUnit) / 1e6;
  return {
    spec,
    version: runtime.version,
    sides: { on, off },
    cpuChange: meanInterval(pairedChanges(blocks)),
    microsecondsPerCollection: (on.cpuMicrosecondsPerUnit - off.cpuMicrosecondsPerUnit) / scavengesPerUnitOn,
  };
}

function tableRow(result: VersionResult): string {
  const { on, off } = result.sides;
  const kib = (bytes: number) => (bytes / 1024).toFixed(2);
  return `| ${result.version} | ${kib(on.promotedBytesPerScavenge)} | ${kib(off.promotedBytesPerScavenge)} | ${kib(on.survivedBytesPerScavenge - off.survivedBytesPerScavenge)} | ${on.pauseMsPerScavenge.toFixed(3)} | ${off.pauseMsPerScavenge.toFixed(3)} | ${Math.round(on.scavengesPerSecondOfCpu)} | ${formatInterval(result.cpuChange)} | ${result.microsecondsPerCollection.toFixed(0)} |`;
}

async function main(): Promise<void> {
  const specs = process.argv.length > 2 ? process.argv.slice(2) : [process.execPath, '22', '24', '26'];
  const machine = describeMachine();
  const results: VersionResult[] = [];
  for (const spec of specs) {
    process.stderr.write(`gc observer cost: ${spec}\n`);
    results.push(await measure(spec));
  }
  const lines = [
    "# What Node's `gc` PerformanceObserver costs, by Node.js version",
    '',
    `Measured ${new Date().toISOString()} with \`node dist/bench/gc-observer-cost.js${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}\` (\`npm run bench:gc-observer\`) on ${machine.cpuModel} (${machine.cores} cores, ${machine.memoryGiB} GiB); load average ${machine.loadAverage} at start, ${currentLoadAverage()} at end.`,
    '',
    `No heapdrift code runs: one process per Node.js version (\`--trace-gc-nvp\`) runs a loop that allocates only short-lived objects (500 small objects per unit of work, dropped by the next unit; a yield to the event loop every 4 units), in ${PAIRS} pairs of ${BLOCK_MS / 1000} s blocks, one block with a \`gc\` PerformanceObserver whose callback is empty, one without, in random order. V8's line for each scavenge is attributed to its block. Nothing in the loop lives through two scavenges, so what a scavenge promotes to the old generation with the observer on and not off is what Node allocates per \`gc\` entry and keeps past the next scavenge.`,
    '',
    '| Node.js | promoted per scavenge, observer on (KiB) | off (KiB) | more survived per scavenge, on (KiB) | scavenge pause on (ms) | off (ms) | scavenges per CPU second, on | CPU per unit of work, on against off [95 % CI] | CPU µs per collection, on |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(tableRow),
    '',
    "Reading: on Node.js 20–24 every `gc` entry carries the deprecated `kind` and `flags` accessors (DEP0152): Node wraps each entry in four `deprecate()` functions and a Map before any observer sees it (lib/internal/perf/observe.js, `observerCallback`), and what survives of them costs every following scavenge and mark-compact. Node removed the accessors in a semver-major change (nodejs/node#58531, commit 4e06a64); on Node.js 26 a scavenge promotes almost nothing with the observer on. This is the cost of any `gc` observer, whoever installs it: prom-client's default metrics, OpenTelemetry's runtime instrumentation, or heapdrift's monitor. A loop this allocation-heavy collects hundreds of times a second; a service collects a few times a second (`bench/results/monitor-overhead.md`), so its share of the CPU is that much smaller.",
    '',
  ];
  const directory = join(repository, 'bench', 'results');
  const markdown = join(directory, 'gc-observer-cost.md');
  writeFileSync(markdown, lines.join('\n'));
  writeFileSync(
    join(directory, 'gc-observer-cost.json'),
    `${JSON.stringify({ machine, results }, null, 2)}\n`,
  );
  formatResults([markdown]);
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
