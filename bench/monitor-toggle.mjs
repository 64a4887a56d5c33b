// Preloaded into the example service by the monitor-overhead benchmark (`--import`): turns the
// monitor on and off inside ONE service process on IPC messages from the benchmark, and reports
// each round's CPU time (process.cpuUsage; and of it, the threads other than the main one:
// GC helpers, libuv), requests served and how often other processes preempted it
// (involuntary context switches).
// Not part of the example: the service stays as a user would run it (here with MONITOR=off).

import { subscribe } from 'node:diagnostics_channel';
import { readdirSync, readFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { startMonitor } from 'heapdrift/monitor';

let requests = 0;
// Counted in every round alike (with or without the monitor), so it cancels in the difference.
subscribe('http.server.request.start', () => {
  requests++;
});

/** The round in progress: its start readings and its monitor, if on. */
let round = null;

/**
 * CPU nanoseconds of this process's threads other than the main one (schedstat's first field).
 * Exact for them: the reading thread is the main one, and with the service pinned to one CPU
 * none of the others is running while it reads. The main thread's share is process CPU − this.
 */
function otherThreadsNanoseconds() {
  let sum = 0;
  let threads = [];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return 0; // not Linux: the split is not available
  }
  for (const tid of threads) {
    if (tid === String(process.pid)) continue;
    try {
      sum += Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return sum;
}

/** A part of the monitor, stopped like the monitor; it counts nothing. */
function partHandle(stop) {
  return { stop: async () => stop(), status: () => ({ gc: { total: 0 }, evaluations: 0 }) };
}

function observeGc(callback) {
  const observer = new PerformanceObserver(callback);
  observer.observe({ entryTypes: ['gc'] });
  return partHandle(() => observer.disconnect());
}

/** Diagnostic (bench/monitor-parts.mjs): HEAPDRIFT_BENCH_MONITOR_PART starts a part of the monitor instead. */
const MONITOR_PARTS = {
  monitor: (intervalMs) => startMonitor({ intervalMs, warmupMs: 0 }),
  observer: () => observeGc(() => {}),
  'observer-read': () =>
    observeGc((list) => {
      list.getEntries();
      getHeapSpaceStatistics();
    }),
  timer: (intervalMs) => {
    const timer = setInterval(() => {}, intervalMs);
    timer.unref();
    return partHandle(() => clearInterval(timer));
  },
};

const startPart = MONITOR_PARTS[process.env.HEAPDRIFT_BENCH_MONITOR_PART ?? 'monitor'];
/**
 * Diagnostic: HEAPDRIFT_BENCH_MONITOR_BASELINE_PART starts that part in the "off" rounds, so the
 * pair measures what the "on" part costs beyond it (the monitor beyond Node's gc observer).
 */
const startBaseline = MONITOR_PARTS[process.env.HEAPDRIFT_BENCH_MONITOR_BASELINE_PART] ?? null;

function begin(message) {
  // Every round of both twins starts from a full collection, outside the measured window: a
  // 5 s round otherwise holds a mark-compact or not by chance, in each twin independently, and
  // that alone spread a pair's change by several percent.
  globalThis.gc?.();
  const others = otherThreadsNanoseconds();
  const cpu = process.cpuUsage();
  round = {
    cpu,
    others,
    usage: process.resourceUsage(),
    requests,
    started: performance.now(),
    monitor: null,
  };
  // Its warm-up off, so its rules run on every interval as after a real service's warm-up.
  if (message.monitor) round.monitor = startPart(message.intervalMs);
  else if (startBaseline) round.monitor = startBaseline(message.intervalMs);
  process.send({ type: 'begun' });
}

async function end() {
  const used = process.cpuUsage(round.cpu);
  const others = otherThreadsNanoseconds();
  const usage = process.resourceUsage();
  const elapsedMs = performance.now() - round.started;
  const served = requests - round.requests;
  const { monitor, usage: before, others: othersBefore } = round;
  round = null;
  // Stopped first: the monitor folds the collections Node reported since its last interval into
  // its counts at stop, and a round is shorter than an interval.
  await monitor?.stop();
  const status = monitor?.status();
  process.send({
    type: 'ended',
    cpuMicroseconds: used.user + used.system,
    otherThreadsMicroseconds: (others - othersBefore) / 1000,
    elapsedMs,
    requests: served,
    gcs: status?.gc.total ?? null,
    evaluations: status?.evaluations ?? null,
    involuntarySwitches: usage.involuntaryContextSwitches - before.involuntaryContextSwitches,
  });
}

process.on('message', (message) => {
  if (message?.type === 'begin') begin(message);
  else if (message?.type === 'end') void end();
});
// The IPC channel would keep the service alive after its server closes.
process.channel?.unref();
