// The shared series builder of the tracker: the samples of a run (x, elapsed time) and the
// value series measured on them become `MeasuredSeries` and evidence for the verdict rules,
// and verdicts of several metrics fold into one. Every tracking job builds series here.

import type { MetricName } from './sample-store.js';
import {
  gatherEvidence,
  type MeasuredSeries,
  type MetricKind,
  type SeriesEvidence,
  type SeriesVerdict,
  type VerdictOptions,
  type XUnit,
} from './verdict.js';

export const METRIC_KINDS: Record<MetricName, MetricKind> = {
  selfSize: 'bytes',
  edgeCount: 'count',
  retainedSize: 'bytes',
  count: 'count',
};

/**
 * Absences of a structure count as gaps (another path reached its objects) only when they are
 * rare: at most one in this many samples after it first appeared.
 */
export const ABSENCES_PER_GAP = 4;

/** One snapshot of the run as the tracker knows it. */
export interface TrackSample {
  snapshotIndex: number;
  x: number;
  elapsedMs: number;
}

export interface MetricResult {
  metric: MetricName;
  series: number[];
  verdict: SeriesVerdict;
}

/** Builds series over a fixed list of samples with the tracker's verdict options. */
export class SeriesBuilder {
  readonly samples: readonly TrackSample[];
  readonly xUnit: XUnit;
  readonly verdictOptions: Omit<VerdictOptions, 'kind' | 'adjustedPValue'>;

  constructor(
    samples: readonly TrackSample[],
    xUnit: XUnit,
    verdictOptions: Omit<VerdictOptions, 'kind' | 'adjustedPValue'> = {},
  ) {
    this.samples = samples;
    this.xUnit = xUnit;
    this.verdictOptions = verdictOptions;
  }

  /** The same builder over a subset of the samples (those a named track or class has values for). */
  over(samples: readonly TrackSample[]): SeriesBuilder {
    return new SeriesBuilder(samples, this.xUnit, this.verdictOptions);
  }

  measured(y: number[]): MeasuredSeries {
    return {
      x: this.samples.map((sample) => sample.x),
      y,
      xUnit: this.xUnit,
      elapsedMs: this.samples.map((sample) => sample.elapsedMs),
    };
  }

  /** Evidence of one metric's series; `extra` overrides the tracker's verdict options. */
  evidence(y: number[], metric: MetricName, extra: VerdictOptions = {}): SeriesEvidence {
    return gatherEvidence(this.measured(y), { ...this.verdictOptions, ...extra, kind: METRIC_KINDS[metric] });
  }

  /**
   * Evidence of a structure's series without the samples where it was absent after it first
   * appeared (`count` 0): its objects were then keyed under another path (the shortest path
   * changes when, say, a timer list is reordered), which is not a measurement of 0.
   */
  presentEvidence(
    y: number[],
    count: number[],
    metric: MetricName,
    extra: VerdictOptions = {},
  ): SeriesEvidence {
    const first = count.findIndex((value) => value > 0);
    const keep = count.map((value, index) => first < 0 || index < first || value > 0);
    const gaps = keep.filter((kept) => !kept).length;
    // Absent often, it comes and goes (a request in flight): then its zeros are measurements.
    const rare = gaps * ABSENCES_PER_GAP <= count.length - Math.max(first, 0);
    if (gaps === 0 || !rare) return this.evidence(y, metric, extra);
    const subset = this.over(this.samples.filter((_, index) => keep[index]));
    return subset.evidence(
      y.filter((_, index) => keep[index]),
      metric,
      extra,
    );
  }
}

export function worstVerdict(verdicts: SeriesVerdict['verdict'][]): SeriesVerdict['verdict'] {
  if (verdicts.includes('growing')) return 'growing';
  if (verdicts.includes('inconclusive') || verdicts.length === 0) return 'inconclusive';
  return 'stable';
}

export function verdictRank(verdict: SeriesVerdict['verdict']): number {
  return verdict === 'growing' ? 2 : verdict === 'inconclusive' ? 1 : 0;
}

/** Largest byte growth among a result's metrics, to rank results. */
export function bytesGrowth(result: { metrics: MetricResult[] }): number {
  let largest = 0;
  for (const metric of result.metrics) {
    if (METRIC_KINDS[metric.metric] === 'bytes') largest = Math.max(largest, metric.verdict.growth);
  }
  return largest;
}

/** Growing first, then by byte growth. */
export function byVerdictThenGrowth(
  a: { verdict: SeriesVerdict['verdict']; metrics: MetricResult[] },
  b: { verdict: SeriesVerdict['verdict']; metrics: MetricResult[] },
): number {
  return verdictRank(b.verdict) - verdictRank(a.verdict) || bytesGrowth(b) - bytesGrowth(a);
}
