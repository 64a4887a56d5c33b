// Child of the monitor-overhead benchmark: the monitor's direct CPU costs, each measured with
// enough repetitions to resolve it (process CPU time, this process pinned to one CPU by the
// parent): the cost per garbage collection of what the monitor hooks into GC (its
// PerformanceObserver with a reading per batch; for comparison, v8.GCProfiler swapped once per
// interval, as the monitor ran it before), from an allocation workload run in alternation with
// and without them; and one interval's work.
// Prints JSON lines: {kind:'gc-round',…} per round, then {kind:'tick',…}.
//   node --expose-gc bench/monitor-direct-cost.mjs <cycles> <chunks of 10 collections per round>

import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { GCProfiler } from 'node:v8';
import {
  BoundedSeries,
  DEFAULT_RULE_SETTINGS,
  decideOnline,
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
    // The monitor's GC hook alone: counts, and an old-generation reading per batch of entries.
    const readings = new GcReadings();
    return async () => {
      await readings.stop();
      return readings.counts.total;
    };
  },
  profiler: () => {
    // The hook the monitor had before: a GC profiler, swapped once per interval (10 s).
    let profiler = new GCProfiler();
    profiler.start();
    let collections = 0;
    const swap = () => {
      collections += profiler.stop()?.statistics?.length ?? 0;
      profiler = new GCProfiler();
      profiler.start();
    };
    const timer = setInterval(swap, 10_000);
    return () => {
      clearInterval(timer);
      return collections + (profiler.stop()?.statistics?.length ?? 0);
    };
  },
  monitor: () => {
    const monitor = startMonitor({ intervalMs: 10_000, warmupMs: 0 });
    return async () => {
      await monitor.stop();
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
    const gcs = await stop();
    const used = process.cpuUsage(start);
    print({ kind: 'gc-round', cycle, variant, cpuMicroseconds: used.user + used.system, gcs });
  }
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
  await readings.stop();
}
