// Candidate selection: out of every path key of the heap (hundreds of thousands), the few
// (key, metric) pairs worth a trend test. A structure must have grown between the first
// sample after warm-up and the last by the verdict's floors to grow by the rules.

import type { SeriesFloors } from './drift.js';
import { METRICS, type MetricArrays, type MetricName, type SampleStore } from './sample-store.js';
import { ROOT_KEY } from './structure-keys.js';

/** Candidates per metric: the statistics are cheap, but each test costs false-discovery budget. */
export const MAXIMUM_CANDIDATES_PER_METRIC = 50;

export interface Candidate {
  key: number;
  metric: MetricName;
}

export interface SelectionOptions {
  sampleCount: number;
  warmupSamples: number;
  /** The floors of a key's metric (exact program data or runtime drift, see drift.ts). */
  floorsOf: (key: number, metric: MetricName) => SeriesFloors;
  /** Keys of exact program data, which get their own quota, so drift cannot crowd them out. */
  isExact: (key: number) => boolean;
  /** Path depth of a key (shallow keys are owners). */
  depthOf: (key: number) => number;
  maximumPerMetric: number;
}

/** The prefilter: a series can only grow by the rules if its last value exceeds its first after warm-up by the floors. */
export function grewEnough(
  growth: number,
  last: number,
  floors: Pick<SeriesFloors, 'absoluteFloor' | 'relativeFloor'>,
): boolean {
  return growth > 0 && growth >= floors.absoluteFloor && growth >= floors.relativeFloor * last;
}

/**
 * The (key, metric) pairs worth a test: grown from the first sample after warm-up to the
 * last by at least the verdict's floors, the largest growths first, at most N per metric.
 */
export function selectCandidates(store: SampleStore, options: SelectionOptions): Candidate[] {
  const { sampleCount } = options;
  if (sampleCount < 2) return [];
  const baseIndex = Math.min(options.warmupSamples, sampleCount - 1);
  let base: MetricArrays | undefined;
  let last: MetricArrays | undefined;
  store.replay((sampleIndex, state) => {
    if (sampleIndex === baseIndex) base = copyArrays(state);
    if (sampleIndex === sampleCount - 1) last = state;
  });
  const candidates: Candidate[] = [];
  for (const metric of METRICS) {
    if (metric === 'retainedSize' && !store.hasRetainedSizes) continue;
    const exact: { key: number; growth: number }[] = [];
    const drifting: { key: number; growth: number }[] = [];
    const before = base![metric];
    const after = last![metric];
    for (let key = ROOT_KEY + 1; key < after.length; key++) {
      const growth = after[key]! - (before[key] ?? 0);
      if (!grewEnough(growth, after[key]!, options.floorsOf(key, metric))) continue;
      (options.isExact(key) ? exact : drifting).push({ key, growth });
    }
    drifting.sort((a, b) => b.growth - a.growth);
    const chosen = new Set(drifting.slice(0, options.maximumPerMetric).map((item) => item.key));
    // Exact data: the largest growths, and the shallowest growing keys, which are the owners
    // that findings are named after (a leaked vm context drags hundreds of keys below its array).
    exact.sort((a, b) => b.growth - a.growth);
    for (const { key } of exact.slice(0, options.maximumPerMetric)) chosen.add(key);
    exact.sort((a, b) => options.depthOf(a.key) - options.depthOf(b.key) || b.growth - a.growth);
    for (const { key } of exact.slice(0, options.maximumPerMetric)) chosen.add(key);
    for (const key of chosen) candidates.push({ key, metric });
  }
  return candidates;
}

function copyArrays(state: MetricArrays): MetricArrays {
  return {
    selfSize: state.selfSize.slice(),
    edgeCount: state.edgeCount.slice(),
    retainedSize: state.retainedSize.slice(),
    count: state.count.slice(),
  };
}
