// Overhead of the in-process monitor on a real HTTP service (examples/monitor-service) under
// a steady loopback load: CPU time per request and throughput with and without the monitor at
// its default 10 s interval, in interleaved rounds (on/off order alternating) so a shared,
// busy machine's drift hits both alike; plus the monitor's own retained memory, measured from
// a heap snapshot. Results: bench/results/monitor-overhead.md.  `npm run bench:monitor`

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeDominators, summarizeClasses } from '../src/analysis/index.js';
import { GcReadings } from '../src/monitor/gc-readings.js';
import { GcWatch } from '../src/monitor/gc-watch.js';
import {
  BoundedSeries,
  DEFAULT_RULE_SETTINGS,
  decideOnline,
  gatherOnlineEvidence,
  readMemorySample,
} from '../src/monitor/index.js';
import { readHeapSnapshot } from '../src/snapshot/index.js';
import { driveLoad, fetchJson, repositoryRoot, startService } from '../test/helpers/monitor-service.js';
import { formatResults } from './format-results.js';
import { currentLoadAverage, describeMachine } from './machine.js';

const ROUNDS = Number(process.env.ROUNDS ?? 6);
const ROUND_MS = Number(process.env.ROUND_MS ?? 30_000);
const WARM_MS = 5_000;
const CONCURRENCY = 4;
/** A fixed offered load, so both sides do the same work per second (a free-running load's
 * CPU per request swings with its throughput on a busy machine). */
const RATE = Number(process.env.RATE ?? 150);

interface Stats {
  requests: number;
  cpu: { user: number; system: number };
}

interface Round {
  round: number;
  monitor: boolean;
  requests: number;
  perSecond: number;
  cpuMicrosecondsPerRequest: number;
  loadAverage: number;
}

async function measureRound(round: number, monitor: boolean): Promise<Round> {
  const service = await startService(process.execPath, monitor ? {} : { MONITOR: 'off' });
  try {
    await driveLoad(service.url('/work'), WARM_MS, CONCURRENCY).done;
    const loadAverage = currentLoadAverage();
    const before = await fetchJson<Stats>(service.url('/stats'));
    const started = performance.now();
    await driveLoad(service.url('/work'), ROUND_MS, CONCURRENCY, RATE).done;
    const elapsed = performance.now() - started;
    const after = await fetchJson<Stats>(service.url('/stats'));
    const requests = after.requests - before.requests;
    const cpu = after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
    return {
      round,
      monitor,
      requests,
      perSecond: (requests / elapsed) * 1000,
      cpuMicrosecondsPerRequest: cpu / requests,
      loadAverage,
    };
  } finally {
    await service.stop();
  }
}

async function monitorFootprint(): Promise<{
  retainedBytes: number;
  seriesBytes: number;
  evaluations: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'heapdrift-footprint-'));
  try {
    const child = fileURLToPath(new URL('../../bench/monitor-footprint.mjs', import.meta.url));
    const output = execFileSync(process.execPath, [child, join(dir, 'monitor.heapsnapshot'), '8000'], {
      cwd: repositoryRoot,
      encoding: 'utf8',
    });
    const result = JSON.parse(output) as { file: string; seriesBytes: number; evaluations: number };
    const graph = await readHeapSnapshot(result.file);
    const summary = summarizeClasses(graph, computeDominators(graph), { topInstanceCount: 0 });
    const monitorClass = summary.classes.find((entry) => entry.className === 'HeapMonitor');
    return {
      retainedBytes: monitorClass?.retainedSize ?? Number.NaN,
      seriesBytes: result.seriesBytes,
      evaluations: result.evaluations,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The monitor's own CPU, measured directly (process CPU time, which a busy machine disturbs
 * far less than wall time): one interval's work with full series, and the added cost per
 * garbage collection of the GC observer and profiler, from an allocation loop run with and
 * without them in alternation.
 */
function directCost(): { tickMicroseconds: number; perGcMicroseconds: number; gcs: number } {
  const floor = new BoundedSeries({ windowSize: 60, historySize: 60, horizonMs: 6 * 3_600_000 });
  const major = new BoundedSeries({ windowSize: 60, historySize: 60, horizonMs: 6 * 3_600_000 });
  for (let i = 0; i < 1000; i++) {
    floor.add(i * 10_000, 50e6 + Math.sin(i) * 1e6);
    if (i % 5 === 0) major.add(i * 10_000, 50e6 + Math.cos(i) * 1e5);
  }
  const readings = new GcReadings();
  const ticks = 500;
  const tickStart = process.cpuUsage();
  for (let i = 0; i < ticks; i++) {
    readMemorySample(i);
    readings.take();
    decideOnline(
      gatherOnlineEvidence(floor.points(), major.points(), { ...DEFAULT_RULE_SETTINGS, minimumSpanMs: 0 }),
    );
  }
  const tickCpu = process.cpuUsage(tickStart);
  readings.stop();
  const allocate = () => {
    let keep: unknown[] = [];
    for (let i = 0; i < 400_000; i++) {
      keep.push({ i, text: `x${i}` });
      if (keep.length > 50_000) keep = [];
    }
    return keep.length;
  };
  let withCpu = 0;
  let withoutCpu = 0;
  let gcs = 0;
  for (let round = 0; round < 10; round++) {
    for (const watched of round % 2 === 0 ? [true, false] : [false, true]) {
      const watch = watched ? new GcWatch() : null;
      const profiler = watched ? new GcReadings() : null;
      const start = process.cpuUsage();
      allocate();
      const used = process.cpuUsage(start);
      const cpu = used.user + used.system;
      if (watched) {
        gcs += profiler!.take().collections;
        withCpu += cpu;
      } else withoutCpu += cpu;
      watch?.stop();
      profiler?.stop();
    }
  }
  return {
    tickMicroseconds: (tickCpu.user + tickCpu.system) / ticks,
    perGcMicroseconds: (withCpu - withoutCpu) / Math.max(1, gcs),
    gcs,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function percentChange(on: number, off: number): string {
  const change = ((on - off) / off) * 100;
  return `${change >= 0 ? '+' : ''}${change.toFixed(2)} %`;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const rounds: Round[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate which goes first, so a trend in the machine's load does not favour one side.
    const order = round % 2 === 1 ? [true, false] : [false, true];
    for (const monitor of order) {
      const result = await measureRound(round, monitor);
      rounds.push(result);
      process.stderr.write(
        `round ${round} monitor ${monitor ? 'on ' : 'off'}: ${result.requests} requests, ${result.perSecond.toFixed(0)}/s, ${result.cpuMicrosecondsPerRequest.toFixed(1)} µs CPU/request (load ${result.loadAverage})\n`,
      );
    }
  }
  const footprint = await monitorFootprint();
  const direct = directCost();
  const side = (monitor: boolean) => rounds.filter((round) => round.monitor === monitor);
  const cpuOn = median(side(true).map((round) => round.cpuMicrosecondsPerRequest));
  const cpuOff = median(side(false).map((round) => round.cpuMicrosecondsPerRequest));
  const rateOn = median(side(true).map((round) => round.perSecond));
  const rateOff = median(side(false).map((round) => round.perSecond));
  // Paired per round: each round's on/off pair ran back to back.
  const pairedCpu = median(
    side(true).map((on) => {
      const off = side(false).find((candidate) => candidate.round === on.round)!;
      return (on.cpuMicrosecondsPerRequest - off.cpuMicrosecondsPerRequest) / off.cpuMicrosecondsPerRequest;
    }),
  );
  const lines = [
    '# Monitor overhead',
    '',
    `Measured ${new Date().toISOString()} on ${machine.cpuModel} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}.`,
    `Load average (1 min) at start ${machine.loadAverage}, at end ${currentLoadAverage()}: the machine is shared, so CPU time per request is the measure, not throughput.`,
    '',
    `${ROUNDS} rounds; each round runs the example service (examples/monitor-service/server.mjs) once with the monitor (default 10 s interval, Prometheus collector registered, not scraped) and once without (MONITOR=off), in alternating order; each run gets ${WARM_MS / 1000} s of warm-up load, then ${ROUND_MS / 1000} s measured at a fixed ${RATE} requests/s from ${CONCURRENCY} keep-alive clients over loopback (examples/monitor-service/load.mjs --rate).`,
    '',
    '| round | monitor | requests | requests/s | CPU µs/request | load avg |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rounds.map(
      (round) =>
        `| ${round.round} | ${round.monitor ? 'on' : 'off'} | ${round.requests} | ${round.perSecond.toFixed(0)} | ${round.cpuMicrosecondsPerRequest.toFixed(1)} | ${round.loadAverage} |`,
    ),
    '',
    '| | monitor off (median) | monitor on (median) | change |',
    '| --- | --- | --- | --- |',
    `| CPU µs/request | ${cpuOff.toFixed(1)} | ${cpuOn.toFixed(1)} | ${percentChange(cpuOn, cpuOff)} (median of paired rounds: ${(pairedCpu * 100).toFixed(2)} %) |`,
    `| requests/s | ${rateOff.toFixed(0)} | ${rateOn.toFixed(0)} | ${percentChange(rateOn, rateOff)} |`,
    '',
    `Direct cost (process CPU time): one interval's work (a memory sample, the GC profiler's readings, the rules on full series of ${60 + 60} points) takes ${direct.tickMicroseconds.toFixed(0)} µs, i.e. ${((direct.tickMicroseconds / 10_000_000) * 100).toFixed(4)} % of one core at the 10 s interval; the GC observer and profiler add ${direct.perGcMicroseconds.toFixed(1)} µs per garbage collection (${direct.gcs} collections measured in an allocation loop run alternately with and without them; a negative value is noise).`,
    '',
    `Monitor's own memory: ${(footprint.retainedBytes / 1024).toFixed(1)} KiB retained by the HeapMonitor (from a heap snapshot after ${footprint.evaluations} evaluations at a 10 ms interval, its series full); of it ${(footprint.seriesBytes / 1024).toFixed(1)} KiB of fixed-size series arrays.`,
    '',
  ];
  const file = join(repositoryRoot, 'bench/results/monitor-overhead.md');
  writeFileSync(file, lines.join('\n'));
  formatResults([file]);
  process.stdout.write(lines.join('\n'));
  process.stderr.write(`written ${file}\n`);
}

await main();
