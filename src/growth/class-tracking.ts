// Class tracking: per-class totals (count, self size, retained size) across the snapshots
// that carry class aggregates, the classes that grew enough to be tested, and their results.
// A leak of many small objects spread over many paths still shows as one growing class.

import { grewEnough } from './candidates.js';
import type { ClassAggregate } from './classes.js';
import type { MetricName } from './sample-store.js';
import { byVerdictThenGrowth, type MetricResult, type SeriesBuilder, worstVerdict } from './series.js';
import { defaultWarmupSamples, type MetricKind, type SeriesEvidence, type SeriesVerdict } from './verdict.js';

/**
 * A class total sums a kind of object over the whole heap, where JIT code and feedback drift
 * by tens of KB in programs that do not leak (measured: `(compiled code)` +56 KiB over 150
 * iterations of the churn-objects control on Node 20.20.2). Class growth must clear this.
 */
export const CLASS_GROWTH_FLOOR: Record<MetricKind, number> = { bytes: 128 * 1024, count: 256 };

export interface ClassResult {
  className: string;
  verdict: SeriesVerdict['verdict'];
  metrics: MetricResult[];
}

export interface ClassCandidate {
  className: string;
  metric: MetricName;
  series: number[];
  evidence: SeriesEvidence;
}

/**
 * Class series over the samples that have aggregates (`builder` spans exactly those), and
 * the classes that grew enough to be tested, with their evidence.
 */
export function classCandidates(
  builder: SeriesBuilder,
  aggregatesOf: (snapshotIndex: number) => ClassAggregate[],
  maximumPerMetric: number,
): ClassCandidate[] {
  const { samples, verdictOptions } = builder;
  if (samples.length < 2) return [];
  const byClass = classSeries(samples.map((sample) => aggregatesOf(sample.snapshotIndex)));
  const warmup = Math.min(
    verdictOptions.warmupSamples ?? defaultWarmupSamples(samples.length),
    samples.length - 1,
  );
  const result: ClassCandidate[] = [];
  for (const metric of ['selfSize', 'retainedSize', 'count'] as const) {
    const grown: { className: string; growth: number; series: number[] }[] = [];
    for (const [className, rows] of byClass) {
      const values = rows[metric];
      if (values.some((value) => Number.isNaN(value))) continue;
      const growth = values.at(-1)! - values[warmup]!;
      if (grewEnough(metric, growth, values.at(-1)!, verdictOptions))
        grown.push({ className, growth, series: values });
    }
    grown.sort((a, b) => b.growth - a.growth);
    for (const { className, series } of grown.slice(0, maximumPerMetric)) {
      const kind = metric === 'count' ? 'count' : 'bytes';
      const absoluteFloor = Math.max(CLASS_GROWTH_FLOOR[kind], verdictOptions.absoluteFloor ?? 0);
      result.push({
        className,
        metric,
        series,
        evidence: builder.evidence(series, metric, { absoluteFloor }),
      });
    }
  }
  return result;
}

/** Per class, one row per metric and one value per sample. */
function classSeries(perSample: ClassAggregate[][]): Map<string, Record<MetricName, number[]>> {
  const byClass = new Map<string, Record<MetricName, number[]>>();
  perSample.forEach((aggregates, sampleIndex) => {
    for (const aggregate of aggregates) {
      let rows = byClass.get(aggregate.className);
      if (!rows) {
        rows = emptyRows(perSample.length);
        byClass.set(aggregate.className, rows);
      }
      rows.count[sampleIndex] = aggregate.count;
      rows.selfSize[sampleIndex] = aggregate.selfSize;
      rows.retainedSize[sampleIndex] = aggregate.retainedSize ?? Number.NaN;
    }
  });
  return byClass;
}

export function classResults(candidates: ClassCandidate[], verdicts: SeriesVerdict[]): ClassResult[] {
  const byClass = new Map<string, MetricResult[]>();
  candidates.forEach((candidate, index) => {
    const metrics = byClass.get(candidate.className) ?? [];
    metrics.push({ metric: candidate.metric, series: candidate.series, verdict: verdicts[index]! });
    byClass.set(candidate.className, metrics);
  });
  return [...byClass]
    .map(([className, metrics]) => ({
      className,
      verdict: worstVerdict(metrics.map((metric) => metric.verdict.verdict)),
      metrics,
    }))
    .sort(byVerdictThenGrowth);
}

function emptyRows(length: number): Record<MetricName, number[]> {
  return {
    selfSize: new Array<number>(length).fill(0),
    edgeCount: new Array<number>(length).fill(0),
    retainedSize: new Array<number>(length).fill(0),
    count: new Array<number>(length).fill(0),
  };
}
