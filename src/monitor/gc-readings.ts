// Heap readings after garbage collections, from one PerformanceObserver on `gc` entries: every
// collection counted by kind, and once per batch of entries the old generation's used bytes
// (every heap space but the young generation's), kept as the interval's floor and, when the
// batch holds a mark-compact, as the reading after it.
//
// Why the old generation: the observer's callback runs after the collection, once the service
// has allocated again, and that fresh allocation lands in the young generation (MBs under load);
// what a leak keeps is promoted into the old generation, which between collections only grows
// by promotion, large objects and pretenuring. Why not v8.GCProfiler, which reads the whole heap
// inside each pause: it keeps a JSON record per collection until stopped, so it must be swapped,
// and a stopped profiler stays hooked into every collection until V8 collects its object (Node's
// node_v8.cc unhooks it only in the destructor: on Node 20, 100 swaps without a mark-compact
// made each scavenge take 5.2 ms instead of 0.13).

import { type PerformanceEntry, PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { countGcEntry, emptyGcCounts, type GcCounts, gcKindOf } from './gc-counts.js';

export interface IntervalReadings {
  /** Collections observed in the interval. */
  collections: number;
  /** Lowest old-generation reading after any collection, or undefined without one. */
  floor: number | undefined;
  /** Old-generation reading after the interval's last mark-compact, or undefined without one. */
  afterMajor: number | undefined;
}

/** Used bytes of every heap space outside the young generation (`new_space`, `new_large_object_space`). */
export function oldGenerationUsed(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (!space.space_name.startsWith('new_')) used += space.space_used_size;
  }
  return used;
}

export class GcReadings {
  /** Every collection observed since the start, by kind, with the pauses' sum. */
  readonly counts: GcCounts = emptyGcCounts();
  readonly #observer: PerformanceObserver;
  #pending: IntervalReadings = emptyReadings();

  constructor() {
    this.#observer = new PerformanceObserver((list) => this.#fold(list.getEntries()));
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  #fold(entries: readonly PerformanceEntry[]): void {
    if (entries.length === 0) return;
    let major = false;
    for (const entry of entries) {
      countGcEntry(this.counts, entry);
      if (gcKindOf(entry) === perfConstants.NODE_PERFORMANCE_GC_MAJOR) major = true;
    }
    // One reading per batch: the entries of a batch all precede it.
    const used = oldGenerationUsed();
    const pending = this.#pending;
    pending.collections += entries.length;
    pending.floor = pending.floor === undefined ? used : Math.min(pending.floor, used);
    if (major) pending.afterMajor = used;
  }

  /** The readings since the previous call (or the start); starts a fresh interval. */
  take(): IntervalReadings {
    const readings = this.#pending;
    this.#pending = emptyReadings();
    return readings;
  }

  /**
   * Stops observing, after folding in the collections that happened before the call: Node
   * creates a collection's entry on the next turn of the event loop, so wait for it.
   */
  async stop(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.#fold(this.#observer.takeRecords());
    this.#observer.disconnect();
  }
}

function emptyReadings(): IntervalReadings {
  return { collections: 0, floor: undefined, afterMajor: undefined };
}
