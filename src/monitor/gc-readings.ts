// Exact heap readings after each garbage collection, from V8's GC profiler (v8.GCProfiler,
// Node 18.15+): used heap right after every collection and after every mark-compact. A
// PerformanceObserver callback runs later, once the service has allocated again (MBs under
// load), so its readings would include fresh garbage. One profiler per interval, swapped at
// each tick, so what it holds stays bounded.

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

export class GcReadings {
  #profiler = new GCProfiler();

  constructor() {
    this.#profiler.start();
  }

  /** The readings since the previous call (or the start); starts a fresh interval. */
  take(): IntervalReadings {
    const data = this.#profiler.stop() as unknown as { statistics?: ProfiledCollection[] } | undefined;
    this.#profiler = new GCProfiler();
    this.#profiler.start();
    const statistics = data?.statistics ?? [];
    let floor: number | undefined;
    let afterMajor: number | undefined;
    for (const collection of statistics) {
      const used = collection.afterGC.heapStatistics.usedHeapSize;
      floor = floor === undefined ? used : Math.min(floor, used);
      if (collection.gcType === 'MarkSweepCompact') afterMajor = used;
    }
    return { collections: statistics.length, floor, afterMajor };
  }

  stop(): void {
    this.#profiler.stop();
  }
}
