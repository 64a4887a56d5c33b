// Diagnostic beside the monitor-overhead benchmark: which part of the monitor costs what. The
// same twin services and rounds (bench/toggled-service.ts), at the fixed rate only, with
// HEAPDRIFT_BENCH_MONITOR_PART choosing what the toggle starts in the "on" twin: monitor (all of
// it), observer (a PerformanceObserver on gc entries with an empty callback), observer-read (the
// same reading the old generation per batch) or timer (an unref'd 10 s interval: the A/A check).
// HEAPDRIFT_BENCH_MONITOR_BASELINE_PART, one of the same, runs in the "off" twin instead of
// nothing: what the part costs beyond it (the whole monitor beyond Node's gc observer).
//   npm run build && HEAPDRIFT_BENCH_MONITOR_PART=observer node bench/monitor-parts.mjs 20
// HEAPDRIFT_BENCH_SERVICE_NODE: the services' Node.js binary (by default this one).
// Prints the paired change of CPU per request (and of its main-thread part) with a 95 % interval.

import { meanInterval } from '../dist/bench/paired-interval.js';
import { startLoad, ToggledService } from '../dist/bench/toggled-service.js';

const PARTS = ['monitor', 'observer', 'observer-read', 'timer'];
const part = process.env.HEAPDRIFT_BENCH_MONITOR_PART ?? 'monitor';
const baseline = process.env.HEAPDRIFT_BENCH_MONITOR_BASELINE_PART;
const pairs = Number(process.argv[2] ?? 20);
if (
  !PARTS.includes(part) ||
  (baseline !== undefined && !PARTS.includes(baseline)) ||
  !Number.isInteger(pairs) ||
  pairs < 2
) {
  process.stderr.write(
    `monitor-parts: HEAPDRIFT_BENCH_MONITOR_PART and HEAPDRIFT_BENCH_MONITOR_BASELINE_PART must be one of ${PARTS.join(', ')} (got ${part}, ${baseline ?? 'none'}), and the pairs an integer ≥ 2 (got ${process.argv[2]})\n`,
  );
  process.exit(2);
}
const node = process.env.HEAPDRIFT_BENCH_SERVICE_NODE ?? process.execPath;
const twins = [await ToggledService.start(0, node), await ToggledService.start(0, node)];
const loads = twins.map((service) =>
  startLoad(service, 1, { concurrency: 4, rate: 2000, depth: 16, durationMs: 3_600_000 }),
);
const bothRound = (withMonitor, durationMs) =>
  Promise.all(twins.map((service, twin) => service.round(twin === withMonitor, 10_000, durationMs)));
// Warm-up, not recorded: the part on in one twin, then the other, then neither.
await bothRound(0, 3000);
await bothRound(1, 3000);
await bothRound(null, 3000);
const cpuPerRequest = (round) => round.cpuMicroseconds / round.requests;
const mainPerRequest = (round) => (round.cpuMicroseconds - round.otherThreadsMicroseconds) / round.requests;
const changes = [];
const mainChanges = [];
for (let pair = 0; pair < pairs; pair++) {
  let logSum = 0;
  let mainLogSum = 0;
  for (const withMonitor of Math.random() < 0.5 ? [0, 1] : [1, 0]) {
    const readings = await bothRound(withMonitor, 5000);
    const [on, off] = [readings[withMonitor], readings[1 - withMonitor]];
    logSum += Math.log(cpuPerRequest(on) / cpuPerRequest(off));
    mainLogSum += Math.log(mainPerRequest(on) / mainPerRequest(off));
  }
  changes.push(Math.exp(logSum / 2) - 1);
  mainChanges.push(Math.exp(mainLogSum / 2) - 1);
}
/** Mean with its 95 % t interval, in percent. */
const ci = (values) => {
  const { mean, low, high } = meanInterval(values);
  return `${(100 * mean).toFixed(2)} % [${(100 * low).toFixed(2)}, ${(100 * high).toFixed(2)}]`;
};
console.log(
  part,
  'against',
  baseline ?? 'nothing',
  'pairs',
  pairs,
  'CPU/request',
  ci(changes),
  'main thread',
  ci(mainChanges),
);
await Promise.all(loads.map((load) => load.stop()));
await Promise.all(twins.map((service) => service.stop()));
