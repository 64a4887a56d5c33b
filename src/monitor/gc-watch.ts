// Counts garbage collections by kind from PerformanceObserver `gc` entries — every entry of
// each batch (prom-client's histogram reads only the first, counting 1 GC where 17 happened).

import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';

export interface GcCounts {
  minor: number;
  major: number;
  incremental: number;
  weakCallbacks: number;
  total: number;
  /** Milliseconds spent in GC pauses, summed over every entry. */
  pauseMs: number;
}

export function emptyGcCounts(): GcCounts {
  return { minor: 0, major: 0, incremental: 0, weakCallbacks: 0, total: 0, pauseMs: 0 };
}

/** The GC kind of an entry: `detail.kind` since Node 16, `kind` on the entry before that. */
function kindOf(entry: PerformanceEntry): number {
  const withDetail = entry as PerformanceEntry & { detail?: { kind?: number }; kind?: number };
  return withDetail.detail?.kind ?? withDetail.kind ?? 0;
}

export class GcWatch {
  readonly counts = emptyGcCounts();
  readonly #observer: PerformanceObserver;

  constructor() {
    this.#observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = kindOf(entry);
        this.counts.total++;
        this.counts.pauseMs += entry.duration;
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) this.counts.major++;
        else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) this.counts.minor++;
        else if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) this.counts.incremental++;
        else if (kind === constants.NODE_PERFORMANCE_GC_WEAKCB) this.counts.weakCallbacks++;
      }
    });
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  stop(): void {
    this.#observer.disconnect();
  }
}
