// Garbage collections counted by kind from PerformanceObserver `gc` entries — every entry of
// each batch (prom-client's histogram reads only the first, counting 1 GC where 17 happened).

import { constants, type PerformanceEntry } from 'node:perf_hooks';

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
export function gcKindOf(entry: PerformanceEntry): number {
  const withDetail = entry as PerformanceEntry & { detail?: { kind?: number }; kind?: number };
  return withDetail.detail?.kind ?? withDetail.kind ?? 0;
}

/** Adds one `gc` entry to the counts. */
export function countGcEntry(counts: GcCounts, entry: PerformanceEntry): void {
  const kind = gcKindOf(entry);
  counts.total++;
  counts.pauseMs += entry.duration;
  if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) counts.major++;
  else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) counts.minor++;
  else if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) counts.incremental++;
  else if (kind === constants.NODE_PERFORMANCE_GC_WEAKCB) counts.weakCallbacks++;
}
