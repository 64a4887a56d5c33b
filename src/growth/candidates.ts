// Candidate selection: out of every path key of the heap (hundreds of thousands), the few
// (key, metric) pairs worth a trend test. A structure must have grown between the first
// sample after warm-up and the last by the verdict's floors to grow by the rules.

import { METRICS, type MetricArrays, type MetricName, type SampleStore } from './sample-store.js';
import { METRIC_KINDS } from './series.js';
import { ROOT_KEY } from './structure-keys.js';
import { ABSOLUTE_GROWTH_FLOOR, RELATIVE_GROWTH_FLOOR, type VerdictOptions } from './verdict.js';

/** Candidates per metric: the statistics are cheap, but each test costs false-discovery budget. */
export const MAXIMUM_CANDIDATES_PER_METRIC = 50;

export interface Candidate {
  key: number;
  metric: MetricName;
}

export interface SelectionOptions {
  sampleCount: number;
  warmupSamples: number;
  verdict: Pick<VerdictOptions, 'absoluteFloor' | 'relativeFloor'>;
  maximumPerMetric: number;
}

/** The prefilter: a series can only grow by the rules if its last value exceeds its first after warm-up by the floors. */
export function grewEnough(
  metric: MetricName,
  growth: number,
  last: number,
  verdict: Pick<VerdictOptions, 'absoluteFloor' | 'relativeFloor'>,
): boolean {
  const absoluteFloor = verdict.absoluteFloor ?? ABSOLUTE_GROWTH_FLOOR[METRIC_KINDS[metric]];
  const relativeFloor = verdict.relativeFloor ?? RELATIVE_GROWTH_FLOOR;
  return growth >= absoluteFloor && growth >= relativeFloor * last;
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
    const growing: { key: number; growth: number }[] = [];
    const before = base![metric];
    const after = last![metric];
    for (let key = ROOT_KEY + 1; key < after.length; key++) {
      const growth = after[key]! - (before[key] ?? 0);
      if (grewEnough(metric, growth, after[key]!, options.verdict)) growing.push({ key, growth });
    }
    growing.sort((a, b) => b.growth - a.growth);
    for (const { key } of growing.slice(0, options.maximumPerMetric)) candidates.push({ key, metric });
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
