// Class tracking: per-class totals (count, self size, retained size) across the snapshots
// that carry class aggregates, the classes that grew enough to be tested, and their results.
// A leak of many small objects spread over many paths still shows as one growing class.

import { grewEnough } from './candidates.js';
import type { ClassAggregate } from './classes.js';
import { classExactness, floorsFor } from './drift.js';
import type { MetricName } from './sample-store.js';
import { byVerdictThenGrowth, type MetricResult, type SeriesBuilder, worstVerdict } from './series.js';
import { defaultWarmupSamples, type SeriesEvidence, type SeriesVerdict } from './verdict.js';

/**
 * The class totals tested: count and self size. A class's retained size grows whenever the
 * class sits above a growth (the timer list above everything its callbacks hold), so it is
 * not evidence of its own.
 */
export const CLASS_METRICS = ['count', 'selfSize'] as const;

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
  for (const metric of CLASS_METRICS) {
    const grown: { className: string; growth: number; series: number[] }[] = [];
    for (const [className, rows] of byClass) {
      const values = rows[metric];
      const growth = values.at(-1)! - values[warmup]!;
      if (grewEnough(growth, values.at(-1)!, classFloors(className, metric, verdictOptions)))
        grown.push({ className, growth, series: values });
    }
    grown.sort((a, b) => b.growth - a.growth);
    for (const { className, series } of grown.slice(0, maximumPerMetric)) {
      const floors = classFloors(className, metric, verdictOptions);
      result.push({ className, metric, series, evidence: builder.evidence(series, metric, floors) });
    }
  }
  return result;
}

/** A class's floors (drift.ts), unless the tracker's options set floors of their own. */
function classFloors(
  className: string,
  metric: MetricName,
  options: SeriesBuilder['verdictOptions'],
): ReturnType<typeof floorsFor> {
  return { ...floorsFor(classExactness(className), metric, 'class'), ...definedFloors(options) };
}

/** The floors the caller set explicitly: they override the measured ones. */
export function definedFloors(
  options: SeriesBuilder['verdictOptions'],
): Partial<ReturnType<typeof floorsFor>> {
  const result: Partial<ReturnType<typeof floorsFor>> = {};
  if (options.absoluteFloor !== undefined) result.absoluteFloor = options.absoluteFloor;
  if (options.relativeFloor !== undefined) result.relativeFloor = options.relativeFloor;
  if (options.materialFloor !== undefined) result.materialFloor = options.materialFloor;
  if (options.minimumRises !== undefined) result.minimumRises = options.minimumRises;
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
