// Exact heap readings after each garbage collection, from V8's GC profiler (v8.GCProfiler,
// Node 18.15+): used heap right after every collection and after every mark-compact. A
// PerformanceObserver callback runs later, once the service has allocated again (MBs under
// load), so its readings would include fresh garbage. The profiler keeps a JSON record per
// collection until stopped, so it is swapped at least every second (`drain`) and only the
// interval's floor and last major reading are kept.

import { GCProfiler } from 'node:v8';

export interface IntervalReadings {
  /** Collections the profiler saw in the interval. */
  collections: number;
  /** Lowest heap used right after any collection, or undefined without one. */
  floor: number | undefined;
  /** Heap used right after the interval's last mark-compact, or undefined without one. */
  afterMajor: number | undefined;
}

interface ProfiledCollection {
  gcType: string;
  afterGC: { heapStatistics: { usedHeapSize: number } };
}

/** The profiler is swapped at least this often, so the records it holds stay few. */
export const DRAIN_INTERVAL_MS = 1000;

export class GcReadings {
  #profiler = new GCProfiler();
  #pending: IntervalReadings = { collections: 0, floor: undefined, afterMajor: undefined };

  constructor() {
    this.#profiler.start();
  }

  /** Folds the collections profiled so far into the interval's readings. */
  drain(): void {
    const data = this.#profiler.stop() as unknown as { statistics?: ProfiledCollection[] } | undefined;
    this.#profiler = new GCProfiler();
    this.#profiler.start();
    const pending = this.#pending;
    for (const collection of data?.statistics ?? []) {
      const used = collection.afterGC.heapStatistics.usedHeapSize;
      pending.collections++;
      pending.floor = pending.floor === undefined ? used : Math.min(pending.floor, used);
      if (collection.gcType === 'MarkSweepCompact') pending.afterMajor = used;
    }
  }

  /** The readings since the previous call (or the start); starts a fresh interval. */
  take(): IntervalReadings {
    this.drain();
    const readings = this.#pending;
    this.#pending = { collections: 0, floor: undefined, afterMajor: undefined };
    return readings;
  }

  stop(): void {
    this.#profiler.stop();
  }
}
