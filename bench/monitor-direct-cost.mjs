// Child of the monitor-overhead benchmark: the monitor's direct CPU costs, each measured with
// enough repetitions to resolve it (process CPU time, this process pinned to one CPU by the
// parent): the cost per garbage collection of what the monitor hooks into GC (PerformanceObserver
// `gc` entries, for comparison: the monitor no longer uses them; v8.GCProfiler as the monitor
// runs it), from an allocation workload run in
// alternation with and without them; one drain of the GC profiler; one interval's work.
// Prints JSON lines: {kind:'gc-round',…} per round, then {kind:'drain',…} and {kind:'tick',…}.
//   node --expose-gc bench/monitor-direct-cost.mjs <cycles> <chunks of 10 collections per round>

import { setImmediate as yieldToLoop } from 'node:timers/promises';
import {
  BoundedSeries,
  DEFAULT_RULE_SETTINGS,
  decideOnline,
  GcWatch,
  gatherOnlineEvidence,
  readMemorySample,
  startMonitor,
} from 'heapdrift/monitor';
import { GcReadings } from '../dist/src/monitor/gc-readings.js';

const cycles = Number(process.argv[2] ?? 20);
const chunks = Number(process.argv[3] ?? 200);
const GCS_PER_CHUNK = 10;
const print = (record) => process.stdout.write(`${JSON.stringify(record)}\n`);

/**
 * Young-generation collections, forced (`--expose-gc`) so that most of a round's CPU is the
 * collections themselves and the hooks' share of it is large enough to resolve; what the hooks
 * do per collection does not depend on what triggered it. A little garbage between collections,
 * and a yield every few, so the observer's callbacks run inside the round as in a service.
 */
async function collect() {
  let keep = [];
  for (let chunk = 0; chunk < chunks; chunk++) {
    for (let i = 0; i < GCS_PER_CHUNK; i++) {
      for (let j = 0; j < 50; j++) keep.push({ j });
      keep = [];
      globalThis.gc({ type: 'minor' });
    }
    await yieldToLoop();
  }
  return keep.length;
}

/** Each variant starts its hooks, and on stop returns the collections it saw (null: none counted). */
const VARIANTS = {
  off: () => () => null,
  observer: () => {
    const watch = new GcWatch();
    return () => {
      watch.stop();
      return watch.counts.total;
    };
  },
  profiler: () => {
    // As the monitor runs it: swapped once per interval (10 s, the default).
    const readings = new GcReadings();
    const timer = setInterval(() => readings.drain(), 10_000);
    return () => {
      clearInterval(timer);
      const { collections } = readings.take();
      readings.stop();
      return collections;
    };
  },
  monitor: () => {
    const monitor = startMonitor({ intervalMs: 10_000, warmupMs: 0 });
    return () => {
      // Stopped first: the monitor folds the GC profiler's records into its counts at each
      // interval and at stop, and a round is shorter than an interval.
      void monitor.stop();
      return monitor.status().gc.total;
    };
  },
};
const names = Object.keys(VARIANTS);

await collect(); // warm-up: compiled code and a settled heap before the first measured round
for (let cycle = 0; cycle < cycles; cycle++) {
  // A rotated order per cycle: every variant takes every position equally often.
  const order = names.map((_, index) => names[(index + cycle) % names.length]);
  for (const variant of order) {
    const start = process.cpuUsage();
    const stop = VARIANTS[variant]();
    await collect();
    const gcs = stop();
    const used = process.cpuUsage(start);
    print({ kind: 'gc-round', cycle, variant, cpuMicroseconds: used.user + used.system, gcs });
  }
}

// One drain of the profiler with no collection to fold: its fixed cost, paid once a second.
{
  const readings = new GcReadings();
  const drains = 2_000;
  const start = process.cpuUsage();
  for (let i = 0; i < drains; i++) readings.drain();
  const used = process.cpuUsage(start);
  readings.stop();
  print({ kind: 'drain', drains, cpuMicroseconds: used.user + used.system });
}

// One interval's work on full series (60 window + 60 history points each), in batches.
{
  const sizes = { windowSize: 60, historySize: 60, horizonMs: 6 * 3_600_000 };
  const floor = new BoundedSeries(sizes);
  const major = new BoundedSeries(sizes);
  for (let i = 0; i < 1000; i++) {
    floor.add(i * 10_000, 50e6 + Math.sin(i) * 1e6);
    if (i % 5 === 0) major.add(i * 10_000, 50e6 + Math.cos(i) * 1e5);
  }
  const readings = new GcReadings();
  const settings = { ...DEFAULT_RULE_SETTINGS, minimumSpanMs: 0 };
  for (let batch = 0; batch < 20; batch++) {
    const ticks = 50;
    const start = process.cpuUsage();
    for (let i = 0; i < ticks; i++) {
      readMemorySample(i);
      readings.take();
      decideOnline(gatherOnlineEvidence(floor.points(), major.points(), settings));
    }
    const used = process.cpuUsage(start);
    print({ kind: 'tick', batch, ticks, cpuMicroseconds: used.user + used.system });
  }
  readings.stop();
}
