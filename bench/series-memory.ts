// Memory of `heapdrift series` over 20 snapshots of about 100 MB: the peak memory of judging
// all 20 against judging one of them, to show that a series costs what one snapshot costs. The
// 20 files are hard links to one generated snapshot under Node's signal names a minute apart
// (20 distinct 100 MB heaps would cost 2 GB of disk and the same memory per file). Each file is
// measured in a child process (the default) or in the series' own (HEAPDRIFT_SERIES_CHILDREN=off,
// as before children), so the peaks of the series' process and of its children are sampled from
// /proc. One run's peak varies (GC timing): each setting runs several times, settings alternating.
// HEAPDRIFT_BENCH_SERIES_BASELINE=<an older build's dist/src/cli/main.js> adds that build, children
// on, to every round, to compare before and after a change in the same moments.
// HEAPDRIFT_BENCH_SERIES_COUNT (20) sets the series' length, HEAPDRIFT_BENCH_SERIES_NAME the result files' name.
// Run: npm run bench:series (results in bench/results/series-memory.{json,md}; needs GNU time).

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatResults } from './format-results.js';
import { currentLoadAverage } from './machine.js';
import { benchDirectory, ensureSnapshot } from './snapshots.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repository, 'dist', 'src', 'cli', 'main.js');
const COUNT = Number(process.env['HEAPDRIFT_BENCH_SERIES_COUNT'] ?? 20);
/**
 * Generator scale for about 100 MB (size ≈ 0.5 MiB + 29.65 MiB per unit, measured on Node 20);
 * HEAPDRIFT_BENCH_SERIES_SCALE=1 (about 32 MB) iterates faster.
 */
const SCALE = Number(process.env['HEAPDRIFT_BENCH_SERIES_SCALE'] ?? 3.2);
/** Rounds of one snapshot (cheap), and of the whole series; each round runs every mode once. */
const REPEAT_ONE = Number(process.env['HEAPDRIFT_BENCH_SERIES_REPEAT_ONE'] ?? 5);
const REPEAT_MANY = Number(process.env['HEAPDRIFT_BENCH_SERIES_REPEAT_MANY'] ?? 2);
type Mode = 'off' | 'on' | 'baseline';
const BASELINE_CLI = process.env['HEAPDRIFT_BENCH_SERIES_BASELINE'];
/** Name of the result files in bench/results (a longer series is kept beside the default one). */
const RESULT_NAME = process.env['HEAPDRIFT_BENCH_SERIES_NAME'] ?? 'series-memory';
/**
 * How the series measures each file (HEAPDRIFT_SERIES_CHILDREN): in a child per file (the
 * default), or `off` in its own process (as before children); `baseline`: children, an older build.
 */
const MODES = (
  process.env['HEAPDRIFT_BENCH_SERIES_MODES'] ?? (BASELINE_CLI ? 'off,on,baseline' : 'off,on')
).split(',') as Mode[];
/** How often the process tree's memory is read from /proc. */
const SAMPLE_MS = 20;

interface Measured {
  /** GNU time's peak RSS: the largest of the process and its children, not their sum. */
  timeMaxRssMiB: number;
  /** Peak RSS (VmHWM) of the series' own process, sampled. */
  parentMiB: number;
  /** The largest peak RSS (VmHWM) of one child, sampled; 0 in-process. */
  largestChildMiB: number;
  /** The largest sum of the RSS of the series' process and its children at one sample. */
  treeMiB: number;
  children: number;
  cpuSeconds: number;
  wallSeconds: number;
  verdict: string;
  loadAverage: number;
}

interface Summary {
  files: number;
  mode: Mode;
  runs: number;
  /** Per run, in run order: the series' peak + its largest child's peak, MiB. */
  parentPlusChildMiB: number[];
  medianParentPlusChildMiB: number;
  medianParentMiB: number;
  medianLargestChildMiB: number;
  /** Per run: the largest sampled sum over the process tree. */
  treeMiB: number[];
  timeMaxRssMiB: number[];
  children: number[];
  medianCpuSeconds: number;
  medianWallSeconds: number;
  verdict: string;
  /** 1-minute load average when each run started. */
  loadAverages: number[];
}

function seriesDirectory(snapshot: string, count: number): string {
  const dir = mkdtempSync(join(benchDirectory(), 'series-'));
  const start = new Date(2026, 0, 1, 12, 0, 0);
  for (let index = 0; index < count; index++) {
    const time = new Date(start.getTime() + index * 60_000);
    const stamp = `${time.getFullYear()}${pad(time.getMonth() + 1)}${pad(time.getDate())}.${pad(time.getHours())}${pad(time.getMinutes())}${pad(time.getSeconds())}`;
    linkSync(snapshot, join(dir, `Heap.${stamp}.4242.0.${String(index + 1).padStart(3, '0')}.heapsnapshot`));
  }
  return dir;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * Runs the CLI under GNU time (`/usr/bin/time -v`: CPU seconds of the whole tree) while
 * sampling /proc every SAMPLE_MS: each process's VmHWM (its own peak, exact up to the last
 * sample before it exits) and the sum of the tree's VmRSS at each sample.
 */
async function measure(dir: string, mode: Mode): Promise<Measured> {
  const runsDir = mkdtempSync(join(benchDirectory(), 'runs-'));
  const loadAverage = currentLoadAverage();
  const started = performance.now();
  const time = spawn(
    '/usr/bin/time',
    [
      '-v',
      process.execPath,
      mode === 'baseline' ? BASELINE_CLI! : cli,
      'series',
      dir,
      '--json',
      '--quiet',
      '--runs-dir',
      runsDir,
    ],
    {
      env: { ...process.env, HEAPDRIFT_SERIES_CHILDREN: mode === 'off' ? 'off' : 'on' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = { stdout: '', stderr: '' };
  time.stdout.on('data', (chunk) => {
    output.stdout += chunk;
  });
  time.stderr.on('data', (chunk) => {
    output.stderr += chunk;
  });
  const tree = new TreeSampler(time.pid!);
  const sampler = setInterval(() => tree.sample(), SAMPLE_MS);
  await once(time, 'close');
  clearInterval(sampler);
  const wallSeconds = (performance.now() - started) / 1000;
  const field = (name: string) =>
    Number(new RegExp(`${name}: ([\\d.]+)`).exec(output.stderr)?.[1] ?? Number.NaN);
  const maxRssKiB = field('Maximum resident set size \\(kbytes\\)');
  if (Number.isNaN(maxRssKiB)) throw new Error(`series failed: ${output.stderr}`);
  rmSync(runsDir, { recursive: true, force: true });
  return {
    timeMaxRssMiB: mib(maxRssKiB),
    parentMiB: mib(tree.parentPeakKiB()),
    largestChildMiB: mib(Math.max(0, ...tree.childPeaksKiB())),
    treeMiB: mib(tree.largestSumKiB),
    children: tree.childPeaksKiB().length,
    cpuSeconds: Math.round((field('User time \\(seconds\\)') + field('System time \\(seconds\\)')) * 10) / 10,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    verdict: (JSON.parse(output.stdout) as { verdict: string }).verdict,
    loadAverage,
  };
}

/** The memory of the CLI (the child of GNU time) and of its children, read from /proc. */
class TreeSampler {
  readonly #time: number;
  #cli = 0;
  readonly #peaks = new Map<number, number>();
  largestSumKiB = 0;

  constructor(timePid: number) {
    this.#time = timePid;
  }

  sample(): void {
    this.#cli ||= childrenOf(this.#time)[0] ?? 0;
    if (!this.#cli) return;
    let sum = 0;
    for (const pid of [this.#cli, ...childrenOf(this.#cli)]) {
      const memory = memoryOf(pid);
      if (!memory) continue;
      this.#peaks.set(pid, Math.max(this.#peaks.get(pid) ?? 0, memory.hwmKiB));
      sum += memory.rssKiB;
    }
    this.largestSumKiB = Math.max(this.largestSumKiB, sum);
  }

  parentPeakKiB(): number {
    return this.#peaks.get(this.#cli) ?? Number.NaN;
  }

  childPeaksKiB(): number[] {
    return [...this.#peaks].filter(([pid]) => pid !== this.#cli).map(([, kib]) => kib);
  }
}

function mib(kib: number): number {
  return Math.round(kib / 1024);
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function memoryOf(pid: number): { hwmKiB: number; rssKiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { hwmKiB: kib('VmHWM'), rssKiB: kib('VmRSS') };
  } catch {
    return null;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `rounds` rounds of every mode in turn, so that the modes share the machine's moments. */
async function alternating(rounds: number, dir: string, files: number): Promise<Summary[]> {
  const measured = new Map<Mode, Measured[]>(MODES.map((mode) => [mode, []]));
  for (let round = 0; round < rounds; round++) {
    for (const mode of MODES) measured.get(mode)!.push(await measure(dir, mode));
  }
  return MODES.map((mode) => summary(files, mode, measured.get(mode)!));
}

function summary(files: number, mode: Mode, runs: Measured[]): Summary {
  const of = (pick: (run: Measured) => number) => runs.map(pick);
  const parentPlusChild = of((run) => run.parentMiB + run.largestChildMiB);
  return {
    files,
    mode,
    runs: runs.length,
    parentPlusChildMiB: parentPlusChild,
    medianParentPlusChildMiB: median(parentPlusChild),
    medianParentMiB: median(of((run) => run.parentMiB)),
    medianLargestChildMiB: median(of((run) => run.largestChildMiB)),
    treeMiB: of((run) => run.treeMiB),
    timeMaxRssMiB: of((run) => run.timeMaxRssMiB),
    children: of((run) => run.children),
    medianCpuSeconds: Math.round(median(of((run) => run.cpuSeconds)) * 10) / 10,
    medianWallSeconds: Math.round(median(of((run) => run.wallSeconds)) * 10) / 10,
    verdict: [...new Set(runs.map((run) => run.verdict))].join(', '),
    loadAverages: of((run) => run.loadAverage),
  };
}

function range(values: number[]): string {
  return `${Math.min(...values)}–${Math.max(...values)}`;
}

mkdirSync(benchDirectory(), { recursive: true });
const snapshot = ensureSnapshot({ label: '100 MB', scale: SCALE, large: false });
const sizeMiB = Math.round(statSync(snapshot).size / 2 ** 20);
const loadBefore = currentLoadAverage();
const one = seriesDirectory(snapshot, 1);
const many = seriesDirectory(snapshot, COUNT);
const results = [
  ...(await alternating(REPEAT_ONE, one, 1)),
  ...(await alternating(REPEAT_MANY, many, COUNT)),
];
rmSync(one, { recursive: true, force: true });
rmSync(many, { recursive: true, force: true });
const report = {
  snapshotMiB: sizeMiB,
  node: process.version,
  sampleMs: SAMPLE_MS,
  loadAverageBefore: loadBefore,
  loadAverageAfter: currentLoadAverage(),
  results,
};
const out = join(repository, 'bench', 'results');
writeFileSync(join(out, `${RESULT_NAME}.json`), `${JSON.stringify(report, null, 2)}\n`);
const MODE_NAMES: Record<Mode, string> = {
  off: 'in-process (`HEAPDRIFT_SERIES_CHILDREN=off`)',
  on: 'a child per file (default)',
  baseline: 'a child per file, the build before (`HEAPDRIFT_BENCH_SERIES_BASELINE`)',
};
const rows = results.map(
  (entry) =>
    `| ${entry.files} | ${MODE_NAMES[entry.mode]} | ${entry.runs} | ${entry.medianParentPlusChildMiB} | ${range(entry.parentPlusChildMiB)} | ${entry.medianParentMiB} | ${entry.medianLargestChildMiB} | ${range(entry.treeMiB)} | ${range(entry.timeMaxRssMiB)} | ${entry.medianCpuSeconds} | ${entry.medianWallSeconds} | ${range(entry.loadAverages)} | ${entry.verdict} |`,
);
writeFileSync(
  join(out, `${RESULT_NAME}.md`),
  [
    `# heapdrift series: memory over ${COUNT} snapshots of ${sizeMiB} MiB`,
    '',
    `Node ${process.version}; load average ${loadBefore.toFixed(1)} before, ${report.loadAverageAfter.toFixed(1)} after, and per run in the table (a shared 2-core machine: wall times are noisy, CPU seconds less so). Settings alternate within each round.`,
    '',
    `**The measure.** GNU time's peak RSS of a process that has children is the largest process's peak, not a sum, so the tree is read from /proc every ${SAMPLE_MS} ms instead: each process's VmHWM (its own peak RSS, exact up to the last sample before it exits) and the sum of the tree's VmRSS at each sample. "series + largest child" adds the series' own peak to the largest peak of one child: what the series needs, since each child starts after the previous one exited (an upper bound: the two peaks need not coincide). "tree at once" is the largest sampled sum over all processes at one moment (a lower bound: a peak between samples is missed). GNU time's figure is shown as a check: it must not exceed the larger of the two sampled peaks by more than what a last sample misses.`,
    '',
    '| snapshots | how each file is measured | runs | series + largest child, median (MiB) | range | series alone, median | largest child, median | tree at once, range | GNU time max, range | CPU s median | wall s median | load average | verdict |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `How to read it. With a child per file, nothing of one snapshot stays in the series, and each child builds its keys from its own snapshot alone, so a child's peak is the same for the first file and the last ("largest child" of a longer series is the largest of more peaks, so it reads a few MiB higher). What grows with the files is the series' own process ("series alone"), and not by what it keeps: after a full GC its live data grows by about 50 KiB a file (each snapshot's class totals and row). Most of its growth was memory that V8's optimizing compilers free on their worker threads and those threads' malloc arenas keep; the series' process now runs without them when children measure the files (its own work is about 0.15 s a file), which halved that growth. What remains levels off after a few files (the same 90 MiB after 20 files as after 60, bench/results/series-memory-60.md). Each process also loads Node and heapdrift's modules, so children cost more in total than one process does. The build before a change, when given, runs in the same rounds. The runs on the way are in series-memory-trials.md.`,
    '',
  ].join('\n'),
);
formatResults([join(out, `${RESULT_NAME}.json`), join(out, `${RESULT_NAME}.md`)]);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
