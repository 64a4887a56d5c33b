// Memory of `heapdrift series` over 20 snapshots of about 100 MB: the peak RSS of judging all
// 20 against judging one of them, to show the series holds one snapshot at a time. The 20
// files are hard links to one generated snapshot under Node's signal names a minute apart
// (20 distinct 100 MB heaps would cost 2 GB of disk and the same memory per file). The peak
// of one snapshot varies by run (GC timing), so each setting runs several times.
// Run: npm run bench:series (results in bench/results/series-memory.{json,md}; needs GNU time).

import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatResults } from './format-results.js';
import { benchDirectory, ensureSnapshot } from './snapshots.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repository, 'dist', 'src', 'cli', 'main.js');
const COUNT = Number(process.env['HEAPDRIFT_BENCH_SERIES_COUNT'] ?? 20);
/**
 * Generator scale for about 100 MB (size ≈ 0.5 MiB + 29.65 MiB per unit, measured on Node 20);
 * HEAPDRIFT_BENCH_SERIES_SCALE=1 (about 32 MB) iterates faster.
 */
const SCALE = Number(process.env['HEAPDRIFT_BENCH_SERIES_SCALE'] ?? 3.2);
/** Runs of one snapshot per setting (cheap), and of the whole series. */
const REPEAT_ONE = Number(process.env['HEAPDRIFT_BENCH_SERIES_REPEAT_ONE'] ?? 5);
const REPEAT_MANY = Number(process.env['HEAPDRIFT_BENCH_SERIES_REPEAT_MANY'] ?? 2);
/**
 * What is left after the series frees each snapshot before the next: V8 grows its young
 * generation under the parser's allocation rate (up to 2 × 16 MiB on Node 20) and glibc raises
 * its mmap threshold after the first large free, so later arrays come from the brk heap and
 * fragment it. Neither can be changed once the process runs; these two settings do it.
 */
const TUNED = { NODE_OPTIONS: '--max-semi-space-size=2', MALLOC_MMAP_THRESHOLD_: '131072' };

interface Measured {
  files: number;
  settings: string;
  maxRssMiB: number;
  cpuSeconds: number;
  wallSeconds: number;
  verdict: string;
}

interface Summary {
  files: number;
  settings: string;
  runs: number;
  /** Peak RSS of each run, MiB, in run order. */
  maxRssMiB: number[];
  medianMaxRssMiB: number;
  medianCpuSeconds: number;
  medianWallSeconds: number;
  verdict: string;
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
 * Runs the CLI under GNU time (`/usr/bin/time -v`): the kernel's peak RSS and CPU seconds of
 * the whole process, as the operating system counts them.
 */
function measure(dir: string, files: number, tuned = false): Measured {
  const runsDir = mkdtempSync(join(benchDirectory(), 'runs-'));
  const started = performance.now();
  const result = spawnSync(
    '/usr/bin/time',
    ['-v', process.execPath, cli, 'series', dir, '--json', '--quiet', '--runs-dir', runsDir],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: tuned ? { ...process.env, ...TUNED } : process.env,
    },
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const field = (name: string) =>
    Number(new RegExp(`${name}: ([\\d.]+)`).exec(result.stderr)?.[1] ?? Number.NaN);
  const maxRssKiB = field('Maximum resident set size \\(kbytes\\)');
  if (Number.isNaN(maxRssKiB)) throw new Error(`series failed (${result.status}): ${result.stderr}`);
  rmSync(runsDir, { recursive: true, force: true });
  return {
    files,
    settings: tuned
      ? Object.entries(TUNED)
          .map(([name, value]) => `${name}=${value}`)
          .join(' ')
      : 'default',
    maxRssMiB: Math.round(maxRssKiB / 1024),
    cpuSeconds: Math.round((field('User time \\(seconds\\)') + field('System time \\(seconds\\)')) * 10) / 10,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    verdict: (JSON.parse(result.stdout) as { verdict: string }).verdict,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function repeated(runs: number, dir: string, files: number, tuned = false): Summary {
  const measured = Array.from({ length: runs }, () => measure(dir, files, tuned));
  return {
    files,
    settings: measured[0]!.settings,
    runs,
    maxRssMiB: measured.map((entry) => entry.maxRssMiB),
    medianMaxRssMiB: median(measured.map((entry) => entry.maxRssMiB)),
    medianCpuSeconds: Math.round(median(measured.map((entry) => entry.cpuSeconds)) * 10) / 10,
    medianWallSeconds: Math.round(median(measured.map((entry) => entry.wallSeconds)) * 10) / 10,
    verdict: [...new Set(measured.map((entry) => entry.verdict))].join(', '),
  };
}

mkdirSync(benchDirectory(), { recursive: true });
const snapshot = ensureSnapshot({ label: '100 MB', scale: SCALE, large: false });
const sizeMiB = Math.round(statSync(snapshot).size / 2 ** 20);
const loadBefore = loadavg()[0]!;
const one = seriesDirectory(snapshot, 1);
const many = seriesDirectory(snapshot, COUNT);
const results = [
  repeated(REPEAT_ONE, one, 1),
  repeated(REPEAT_MANY, many, COUNT),
  repeated(REPEAT_ONE, one, 1, true),
  repeated(1, many, COUNT, true),
];
rmSync(one, { recursive: true, force: true });
rmSync(many, { recursive: true, force: true });
const report = {
  snapshotMiB: sizeMiB,
  node: process.version,
  loadAverageBefore: loadBefore,
  loadAverageAfter: loadavg()[0]!,
  results,
};
const out = join(repository, 'bench', 'results');
writeFileSync(join(out, 'series-memory.json'), `${JSON.stringify(report, null, 2)}\n`);
const rows = results.map(
  (entry) =>
    `| ${entry.files} | ${entry.settings} | ${entry.runs} | ${entry.medianMaxRssMiB} | ${Math.min(...entry.maxRssMiB)}–${Math.max(...entry.maxRssMiB)} | ${entry.medianCpuSeconds} | ${entry.medianWallSeconds} | ${entry.verdict} |`,
);
writeFileSync(
  join(out, 'series-memory.md'),
  [
    `# heapdrift series: memory over ${COUNT} snapshots of ${sizeMiB} MiB`,
    '',
    `Node ${process.version}; load average ${loadBefore.toFixed(1)} before, ${report.loadAverageAfter.toFixed(1)} after (a shared 2-core machine: wall times are noisy, CPU seconds less so).`,
    '',
    'Each snapshot is freed (a full GC) before the next file is read, and the process check keeps a sample of about 65k objects of the previous snapshot. The peak of one snapshot varies from run to run (when V8 collects the parser\'s garbage), so each setting runs several times; a series of 20 has 20 such peaks and shows the highest. What else remains above one snapshot is not held data: V8 grows its young generation under the parser\'s allocation rate, and glibc raises its mmap threshold after the first large free so later arrays fragment the brk heap; the "settings" rows start the process with both fixed.',
    '',
    '| snapshots | settings | runs | peak RSS median (MiB) | peak RSS range (MiB) | CPU s median | wall s median | verdict |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);
formatResults([join(out, 'series-memory.json'), join(out, 'series-memory.md')]);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
