// Overhead of the in-process monitor on a real HTTP service (examples/monitor-service) under
// steady loopback load, resolved to better than 1 %: TWO identical service processes pinned to
// one CPU and measured over the same rounds, the monitor on in one of them and swapped every
// round (which twin first: random per pair); the load generators on the other CPU (`taskset`).
// The machine's noise (other work, the VM) hits both twins at once and cancels in their ratio;
// with one process toggled between rounds it did not (pair spread 10–21 % against 2–3 % here).
// Each round of both twins starts from a full collection, so that a mark-compact falling in one
// twin's round and not the other's by chance does not spread the pairs.
// Each service reads its own CPU (process.cpuUsage) per round; the paired change with a 95 % t
// interval, for CPU per request at a fixed rate and for throughput at saturation (the twins then
// share the CPU, so each one's requests/s shows what its CPU per request costs). Then the direct
// costs (per GC, per interval), the overhead they predict, and the monitor's memory.
// Rounds of 5 s (a mark-compact every ~3 s here: shorter rounds vary with whether one fell in);
// the 10 s interval's work is measured directly (about 0.005 % of a core).
// Results: bench/results/monitor-overhead.md. `npm run bench:monitor` (about 14 minutes); flags:
// --rounds (pairs per phase, 30), --round-ms (5000), --warm-ms (9000), --rate (2000 requests/s
// per twin), --concurrency (connections, 4), --depth (pipelined requests per connection at
// saturation, 16), --direct-cycles (100), --node (the service's Node.js: a path or a version such
// as 26, by default this one; results then in monitor-overhead-node<major>.md). A short run: --rounds 4
// --direct-cycles 10.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { computeDominators, summarizeClasses } from '../src/analysis/index.js';
import { resolveRuntime } from '../src/runtimes/index.js';
import { readHeapSnapshot } from '../src/snapshot/index.js';
import { repositoryRoot } from '../test/helpers/monitor-service.js';
import { formatResults } from './format-results.js';
import { currentLoadAverage, describeMachine } from './machine.js';
import { type DirectCosts, measureDirectCosts } from './monitor-direct-costs.js';
import { formatInterval, type MeanInterval, meanInterval, withinTarget } from './paired-interval.js';
import {
  pinSelf,
  type RoundReading,
  startLoad,
  ToggledService,
  tasksetAvailable,
} from './toggled-service.js';

/** The target of issue 10: under 1 % change in CPU and in throughput. */
const TARGET_PERCENT = 1;
const INTERVAL_MS = 10_000;
const SERVICE_CPU = 0;
/** At saturation the twins together must keep their CPU at least this busy. */
const SATURATED_BUSY_PERCENT = 90;
const LOAD_CPU = 1;

interface Settings {
  pairs: number;
  roundMs: number;
  warmMs: number;
  rate: number;
  concurrency: number;
  depth: number;
  /** Items built per request at saturation (the example's `/work?items=`; 100 at the fixed rate). */
  saturatedItems: number;
  directCycles: number;
  /** The service's Node.js: a path or a version spec (`26`, `24.21.0`), as `heapdrift run --node`. */
  nodeSpec: string;
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '30' },
      'round-ms': { type: 'string', default: '5000' },
      'warm-ms': { type: 'string', default: '9000' },
      rate: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '4' },
      depth: { type: 'string', default: '16' },
      'saturated-items': { type: 'string', default: '400' },
      'direct-cycles': { type: 'string', default: '100' },
      node: { type: 'string', default: process.execPath },
    },
  });
  const number = (flag: keyof typeof values, minimum: number) => {
    const value = Number(values[flag]);
    if (!Number.isInteger(value) || value < minimum) {
      process.stderr.write(
        `bench:monitor: --${flag} must be an integer ≥ ${minimum} (got ${values[flag]})\n`,
      );
      process.exit(2);
    }
    return value;
  };
  return {
    pairs: number('rounds', 2),
    roundMs: number('round-ms', 500),
    warmMs: number('warm-ms', 0),
    rate: number('rate', 1),
    concurrency: number('concurrency', 1),
    depth: number('depth', 1),
    saturatedItems: number('saturated-items', 1),
    directCycles: number('direct-cycles', 2),
    nodeSpec: values.node,
  };
}

/** The service's Node.js binary and version (`v26.12.1`), or a one-line error naming the flag. */
async function resolveServiceNode(spec: string): Promise<{ path: string; version: string }> {
  try {
    const runtime = await resolveRuntime(spec);
    return { path: runtime.path, version: `v${runtime.version}` };
  } catch (error) {
    process.stderr.write(`bench:monitor: --node ${spec}: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

interface Round extends RoundReading {
  pair: number;
  /** First or second round of its pair: the twins swap the monitor between them. */
  slot: number;
  /** Which of the two service processes (0 or 1) this reading is from. */
  twin: number;
  monitor: boolean;
  loadAverage: number;
}

interface Phase {
  name: string;
  rate: number;
  rounds: Round[];
}

/** Which twin runs the monitor in each round of a pair: drawn at random per pair, so that no
 * periodic process (the services' own mark-compact cycle was one, measured) lines up with it. */
function pairOrder(): [number, number] {
  return Math.random() < 0.5 ? [0, 1] : [1, 0];
}

async function runPhase(
  twins: ToggledService[],
  settings: Settings,
  name: string,
  rate: number,
  pin: boolean,
  path = '/work',
): Promise<Phase> {
  const durationMs = settings.warmMs + settings.pairs * 2 * (settings.roundMs + 1_000) + 60_000;
  const loads = twins.map((service) =>
    startLoad(service, pin ? LOAD_CPU : null, {
      concurrency: settings.concurrency,
      rate,
      depth: settings.depth,
      durationMs,
      path,
    }),
  );
  const bothRound = (withMonitor: number | null, durationMs: number) =>
    Promise.all(twins.map((service, twin) => service.round(twin === withMonitor, INTERVAL_MS, durationMs)));
  try {
    // Warm-up: the services' and the monitor's code compiled, the heaps settled, not recorded.
    await bothRound(0, settings.warmMs / 3);
    await bothRound(1, settings.warmMs / 3);
    await bothRound(null, settings.warmMs / 3);
    const rounds: Round[] = [];
    for (let pair = 1; pair <= settings.pairs; pair++) {
      for (const [slot, withMonitor] of pairOrder().entries()) {
        const readings = await bothRound(withMonitor, settings.roundMs);
        const loadAverage = currentLoadAverage();
        for (const [twin, reading] of readings.entries())
          rounds.push({ ...reading, pair, slot, twin, monitor: twin === withMonitor, loadAverage });
        const [on, off] = [readings[withMonitor]!, readings[1 - withMonitor]!];
        process.stderr.write(
          `${name} pair ${pair}.${slot + 1} (monitor in twin ${withMonitor}): CPU/request on ${cpuPerRequest(on).toFixed(1)} µs, off ${cpuPerRequest(off).toFixed(1)} µs; requests/s on ${perSecond(on).toFixed(0)}, off ${perSecond(off).toFixed(0)} (load ${loadAverage})\n`,
        );
      }
    }
    return { name, rate, rounds };
  } finally {
    await Promise.all(loads.map((load) => load.stop()));
  }
}

/** How many of the monitor's intervals (its rules' work) a monitor-on round holds. */
function intervalsPerRound(settings: Settings): string {
  const ticks = Math.floor(settings.roundMs / INTERVAL_MS);
  return ticks === 0
    ? `shorter than the ${INTERVAL_MS / 1000} s interval: the monitor-on rounds hold its per-GC work but not its interval's work`
    : `each monitor-on round holds ${ticks > 1 ? `${ticks} intervals'` : "one interval's"} work`;
}

const cpuPerRequest = (round: RoundReading) => round.cpuMicroseconds / round.requests;
const otherThreadsPerRequest = (round: Round) => round.otherThreadsMicroseconds / round.requests;
const mainThreadPerRequest = (round: Round) =>
  (round.cpuMicroseconds - round.otherThreadsMicroseconds) / round.requests;
const perSecond = (round: RoundReading) => (round.requests / round.elapsedMs) * 1000;
const cpuPerSecond = (round: Round) => (round.cpuMicroseconds / round.elapsedMs) * 1000;

/**
 * The paired percent change of `value` with the monitor on against off. Within a round both
 * twins ran over the same window on the same CPU, so the machine's noise is common to both and
 * cancels in their ratio; over a pair's two rounds each twin had the monitor once, so the twins'
 * own difference cancels too. Per pair: the mean of the two rounds' log ratios, as a percent.
 */
function paired(phase: Phase, value: (round: Round) => number): MeanInterval {
  const changes: number[] = [];
  const pairs = new Set(phase.rounds.map((round) => round.pair));
  for (const pair of pairs) {
    const logRatios = [0, 1].map((slot) => {
      const inRound = phase.rounds.filter((round) => round.pair === pair && round.slot === slot);
      const on = inRound.find((round) => round.monitor)!;
      const off = inRound.find((round) => !round.monitor)!;
      return Math.log(value(on) / value(off));
    });
    changes.push((Math.exp((logRatios[0]! + logRatios[1]!) / 2) - 1) * 100);
  }
  return meanInterval(changes);
}

function sideMean(phase: Phase, monitor: boolean, value: (round: Round) => number): number {
  return meanInterval(phase.rounds.filter((round) => round.monitor === monitor).map(value)).mean;
}

/**
 * Pearson correlation, across a phase's rounds, of CPU per request with how often other
 * processes preempted the service: near 1 says the rounds' noise is the machine's other work.
 */
function preemptionCorrelation(phase: Phase): number {
  const xs = phase.rounds.map((round) => round.involuntarySwitches);
  const ys = phase.rounds.map(cpuPerRequest);
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const [mx, my] = [mean(xs), mean(ys)];
  const sum = (f: (index: number) => number) => xs.reduce((total, _, index) => total + f(index), 0);
  const covariance = sum((i) => (xs[i]! - mx) * (ys[i]! - my));
  return covariance / Math.sqrt(sum((i) => (xs[i]! - mx) ** 2) * sum((i) => (ys[i]! - my) ** 2));
}

/** How busy the twins kept their CPU together, mean over rounds (100 = one whole core). */
function servicesBusyPercent(phase: Phase): number {
  const total = phase.rounds.reduce((sum, round) => sum + cpuPerSecond(round) / 1e4, 0);
  return total / (phase.rounds.length / 2);
}

/** Collections per second the monitor counted in its rounds. */
function gcRate(phase: Phase): number {
  const on = phase.rounds.filter((round) => round.monitor);
  const gcs = on.reduce((sum, round) => sum + (round.gcs ?? 0), 0);
  const seconds = on.reduce((sum, round) => sum + round.elapsedMs, 0) / 1000;
  return gcs / seconds;
}

/** The overhead the direct costs predict for this phase, as a percent of the service's CPU. */
function expectedPercent(phase: Phase, direct: DirectCosts): number {
  const monitorPerSecond =
    direct.perGc.monitor.mean * gcRate(phase) + direct.tick.mean / (INTERVAL_MS / 1000);
  return (monitorPerSecond / sideMean(phase, false, cpuPerSecond)) * 100;
}

async function monitorFootprint(node: string): Promise<{
  retainedBytes: number;
  seriesBytes: number;
  evaluations: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'heapdrift-footprint-'));
  try {
    const child = fileURLToPath(new URL('../../bench/monitor-footprint.mjs', import.meta.url));
    const output = execFileSync(node, [child, join(dir, 'monitor.heapsnapshot'), '60000'], {
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

function roundsTable(phase: Phase): string[] {
  return [
    `| round | twin | monitor | CPU µs/request | of it, other threads | requests | requests/s | service CPU % of a core | GCs | preempted | load avg |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...phase.rounds.map(
      (round) =>
        `| ${round.pair}.${round.slot + 1} | ${round.twin} | ${round.monitor ? 'on' : 'off'} | ${cpuPerRequest(round).toFixed(2)} | ${otherThreadsPerRequest(round).toFixed(2)} | ${round.requests} | ${perSecond(round).toFixed(0)} | ${(cpuPerSecond(round) / 1e4).toFixed(1)} | ${round.gcs ?? ''} | ${round.involuntarySwitches} | ${round.loadAverage} |`,
    ),
  ];
}

function summaryRow(
  phase: Phase,
  label: string,
  value: (round: Round) => number,
  digits: number,
  worse: 'higher' | 'lower' | null,
  direct: DirectCosts,
  saturation = false,
): string {
  const change = paired(phase, value);
  const busy = servicesBusyPercent(phase);
  // Throughput only says something when the services' CPU, not the load, sets the rate.
  const verdict =
    worse === null
      ? '(context)'
      : saturation && busy < SATURATED_BUSY_PERCENT
        ? `not judged: the twins kept their CPU only ${busy.toFixed(0)} % busy`
        : withinTarget(change, TARGET_PERCENT, worse)
          ? 'met'
          : 'not shown';
  const expected = worse === null ? '' : `${expectedPercent(phase, direct).toFixed(3)} %`;
  return `| ${label} | ${sideMean(phase, false, value).toFixed(digits)} | ${sideMean(phase, true, value).toFixed(digits)} | ${formatInterval(change)} | ${change.sd.toFixed(2)} % | ${change.n} | ${expected} | ${verdict} |`;
}

function directLines(direct: DirectCosts): string[] {
  const row = (name: string, what: string) => {
    const cost = direct.perGc[name]!;
    return `| ${what} | ${formatInterval(cost, 1, ' µs')} | ${direct.gcsPerRound[name]!.toFixed(0)} |`;
  };
  return [
    `Per collection (process CPU, this child pinned to CPU ${SERVICE_CPU}): ${direct.cycles} cycles, each running every variant once in a rotated order over ${direct.chunks * 10} forced young-generation collections (\`--expose-gc\`, \`gc({type:'minor'})\`, a yield every 10 so the observer's callbacks run inside the round); cost per collection = (variant's CPU − the same cycle's CPU without hooks) / collections the variant counted, mean over cycles with its 95 % t interval.`,
    '',
    '| hooks | added CPU per collection, mean [95 % CI] | collections per round |',
    '| --- | --- | --- |',
    row(
      'observer',
      "the monitor's GC hook: a PerformanceObserver on `gc` entries, an old-generation reading per batch (GcReadings)",
    ),
    row('profiler', 'v8.GCProfiler swapped every 10 s (for comparison: the monitor used it before)'),
    row('monitor', 'the whole monitor (startMonitor, 10 s interval)'),
    '',
    `One interval's work (a memory sample, the interval's GC readings, the rules on full series of 120 points): ${formatInterval(direct.tick, 0, ' µs')} (${direct.tick.n} batches of 50).`,
  ];
}

async function main(): Promise<void> {
  const settings = readSettings();
  const node = await resolveServiceNode(settings.nodeSpec);
  const machine = describeMachine();
  const pin = tasksetAvailable() && machine.cores >= 2;
  if (!pin) {
    process.stderr.write(
      'bench:monitor: WARNING: not pinning (taskset missing or fewer than 2 CPUs): the service and the load share CPUs, the rounds vary more\n',
    );
  }
  pinSelf(pin ? LOAD_CPU : null);
  // Measured: about 0.17 s per direct-cost round (5 a cycle), 50 s for the memory footprint.
  const seconds =
    (2 * (settings.warmMs + settings.pairs * 2 * (settings.roundMs + 100))) / 1000 +
    settings.directCycles * 0.85 +
    55;
  process.stderr.write(
    `monitor overhead: ${settings.pairs} pairs of ${settings.roundMs / 1000} s rounds per phase, about ${(seconds / 60).toFixed(1)} minutes (load ${machine.loadAverage})\n`,
  );
  const twins = [
    await ToggledService.start(pin ? SERVICE_CPU : null, node.path),
    await ToggledService.start(pin ? SERVICE_CPU : null, node.path),
  ];
  let fixed: Phase;
  let saturated: Phase;
  try {
    fixed = await runPhase(twins, settings, 'fixed', settings.rate, pin);
    saturated = await runPhase(
      twins,
      settings,
      'saturated',
      0,
      pin,
      `/work?items=${settings.saturatedItems}`,
    );
  } finally {
    await Promise.all(twins.map((service) => service.stop()));
  }
  const direct = await measureDirectCosts(settings.directCycles, pin ? SERVICE_CPU : null, node.path);
  const footprint = await monitorFootprint(node.path);
  const command = `node dist/bench/monitor-overhead.js ${process.argv.slice(2).join(' ')}`.trim();
  const lines = [
    '# Monitor overhead',
    '',
    `Measured ${new Date().toISOString()} with \`${command}\` (\`npm run bench:monitor\` runs the defaults) on ${machine.cpuModel} (${machine.cores} cores, ${machine.memoryGiB} GiB), the service on Node ${node.version}${node.version === machine.node ? '' : ` (the benchmark on ${machine.node})`}.`,
    `Load average (1 min) at start ${machine.loadAverage}, at end ${currentLoadAverage()} (per round below). ${pin ? `Service pinned to CPU ${SERVICE_CPU}, load generator and this benchmark to CPU ${LOAD_CPU} (taskset).` : 'NOT pinned (taskset missing or fewer than 2 CPUs).'}`,
    '',
    '## End to end',
    '',
    `TWO processes of the example service (examples/monitor-service/server.mjs, MONITOR=off), both pinned to one CPU, each with bench/monitor-toggle.mjs preloaded: on IPC messages from this benchmark each starts the monitor (${INTERVAL_MS / 1000} s interval, the default; no warm-up, so its rules run on every interval; no Prometheus collector) or leaves it off, and reads its own CPU time (process.cpuUsage; the threads other than the main one from /proc schedstat) and requests served (diagnostics_channel \`http.server.request.start\`) over the round. Every round runs both twins over the same ${settings.roundMs / 1000} s, each starting it from a full collection outside the measured window (\`--expose-gc\`; a round otherwise holds a mark-compact or not by chance, in each twin independently) (${intervalsPerRound(settings)}), the monitor on in one of them; a pair is two rounds, the monitor in each twin once, which twin first drawn at random; ${settings.pairs} pairs per phase after a ${settings.warmMs / 1000} s warm-up (the monitor in one twin, then the other, then neither; not recorded). Load over loopback from bench/pipelined-load.mjs, one load process per twin (pipelined HTTP/1.1 on ${settings.concurrency} keep-alive connections), through all the phase's rounds: a fixed ${settings.rate} requests/s to each twin, sent every 10 ms without catching up a backlog (CPU per request), then saturation with ${settings.depth} requests in flight per connection (throughput: the twins share their CPU, so each one's requests/s follows its CPU per request).`,
    '',
    `Change = mean over pairs of the pair's change, on against off: exp of the mean of its two rounds' log(on ÷ off), minus 1; with its 95 % Student t interval (n − 1 degrees of freedom). The < ${TARGET_PERCENT} % target is **met** only when the interval's worse end lies inside it: CPU per request below +${TARGET_PERCENT} %, throughput above −${TARGET_PERCENT} %. "Expected" is the overhead the direct costs below predict for the phase (per-collection cost × the collections per second the monitor counted + one interval's work per ${INTERVAL_MS / 1000} s, over the service's CPU per second without the monitor).`,
    '',
    '| measure | monitor off (mean) | monitor on (mean) | paired change, mean [95 % CI] | sd of pair changes | pairs | expected from direct costs | < 1 % target |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    summaryRow(fixed, `CPU µs/request at ${settings.rate}/s`, cpuPerRequest, 2, 'higher', direct),
    summaryRow(saturated, 'requests/s saturated', perSecond, 0, 'lower', direct, true),
    summaryRow(
      fixed,
      `main thread CPU µs/request at ${settings.rate}/s`,
      mainThreadPerRequest,
      2,
      null,
      direct,
    ),
    summaryRow(
      fixed,
      `other threads' CPU µs/request at ${settings.rate}/s`,
      otherThreadsPerRequest,
      2,
      null,
      direct,
    ),
    summaryRow(saturated, 'CPU µs/request saturated', cpuPerRequest, 2, null, direct),
    '',
    `The twins kept their CPU ${servicesBusyPercent(fixed).toFixed(0)} % busy together at ${settings.rate} requests/s each, and ${servicesBusyPercent(saturated).toFixed(0)} % at saturation (requests building ${settings.saturatedItems} items instead of 100, so that the services and not the load generators on the other CPU set the rate; below ${SATURATED_BUSY_PERCENT} % the throughput row is not judged).`,
    '',
    `Main thread = process CPU − the other threads (GC helpers, libuv): the monitor's own code runs on the main thread, and its hooks inside the GC pauses there.`,
    '',
    `Collections the monitor counted: ${gcRate(fixed).toFixed(1)}/s at ${settings.rate} requests/s, ${gcRate(saturated).toFixed(1)}/s saturated.`,
    '',
    `Noise: across rounds, CPU per request correlates with how often other processes preempted the service (involuntary context switches, "preempted" below) at r = ${preemptionCorrelation(fixed).toFixed(2)} at ${settings.rate} requests/s and r = ${preemptionCorrelation(saturated).toFixed(2)} saturated (near ±1: the rounds' spread follows the machine's other work on the service's CPU; near 0: it does not).`,
    '',
    `### Rounds at ${settings.rate} requests/s`,
    '',
    ...roundsTable(fixed),
    '',
    '### Rounds at saturation',
    '',
    ...roundsTable(saturated),
    '',
    '## Direct costs',
    '',
    ...directLines(direct),
    '',
    '## Memory',
    '',
    `Monitor's own memory: ${(footprint.retainedBytes / 1024).toFixed(1)} KiB retained by the HeapMonitor (from a heap snapshot after ${footprint.evaluations} evaluations at a 10 ms interval; its series are fixed-size arrays, full after 120 evaluations, so this is its bound); of it ${(footprint.seriesBytes / 1024).toFixed(1)} KiB of fixed-size series arrays. Snapshot series on suspicion are on disk, within their quota, not in this bound.`,
    '',
  ];
  const ownNode = node.path === process.execPath;
  const name = ownNode ? 'monitor-overhead' : `monitor-overhead-node${node.version.slice(1).split('.')[0]}`;
  const file = join(repositoryRoot, `bench/results/${name}.md`);
  writeFileSync(file, lines.join('\n'));
  formatResults([file]);
  process.stdout.write(lines.join('\n'));
  process.stderr.write(`written ${file}\n`);
}

await main();
