// What judging costs in a long run: a run re-judges every tracked series after each snapshot,
// so the cost per snapshot at n samples is (series tracked) × (one judgeSeries at n). Measured
// on a synthetic set of 2,000-snapshot series shaped like a real run's (see `syntheticSeries`).

import { judgeSeries, MAXIMUM_CANDIDATES_PER_METRIC, type MeasuredSeries } from '../src/growth/index.js';

/** A run tracks up to 50 candidates for each of 4 metrics, plus class aggregates (as many again at most). */
export const TRACKED_SERIES = 4 * MAXIMUM_CANDIDATES_PER_METRIC + MAXIMUM_CANDIDATES_PER_METRIC;
export const SERIES_LENGTH = 2000;
export const JUDGED_LENGTHS = [10, 100, 1000, 2000];

export interface JudgingResult {
  samples: number;
  series: number;
  /** CPU milliseconds to judge every tracked series once at this length: one snapshot's work. */
  msPerSnapshot: number;
  /** The same per series. */
  msPerSeries: number;
  /** Verdicts at this length, for the record: growing / stable / inconclusive. */
  verdicts: Record<string, number>;
}

/**
 * Deterministic series of five shapes, 1 s apart: a slow leak with GC noise, a stable heap
 * with noise, plateaus (the retained_maps shape: long runs of tied values), a few repeating
 * levels (heavy ties), and a step that stops growing.
 */
export function syntheticSeries(count: number, length: number): MeasuredSeries[] {
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const x = Array.from({ length }, (_, i) => (i + 1) * 1000);
  const shapes: ((i: number) => number)[] = [
    (i) => 1_000_000 + 400 * i + Math.round(20_000 * (random() - 0.5)),
    () => 1_000_000 + Math.round(20_000 * (random() - 0.5)),
    (i) => 24 + 1872 * Math.floor(Math.log2(1 + i)),
    () => 4096 * Math.floor(random() * 3),
    (i) => (i < length / 3 ? 500 * i : (500 * length) / 3),
  ];
  return Array.from({ length: count }, (_, index) => {
    const shape = shapes[index % shapes.length]!;
    return { x, y: x.map((_, i) => shape(i)), xUnit: 'ms' as const, elapsedMs: x };
  });
}

export function measureJudging(): JudgingResult[] {
  const all = syntheticSeries(TRACKED_SERIES, SERIES_LENGTH);
  return JUDGED_LENGTHS.map((samples) => {
    const prefixes = all.map((series) => ({
      ...series,
      x: series.x.slice(0, samples),
      y: series.y.slice(0, samples),
      elapsedMs: series.elapsedMs.slice(0, samples),
    }));
    // Once to warm up the JIT, then the measured pass (least CPU of three).
    for (const series of prefixes) judgeSeries(series);
    let best = Number.POSITIVE_INFINITY;
    const verdicts: Record<string, number> = {};
    for (let repeat = 0; repeat < 3; repeat++) {
      const before = process.cpuUsage();
      for (const series of prefixes) {
        const verdict = judgeSeries(series).verdict;
        if (repeat === 0) verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
      }
      const used = process.cpuUsage(before);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    return {
      samples,
      series: prefixes.length,
      msPerSnapshot: best,
      msPerSeries: best / prefixes.length,
      verdicts,
    };
  });
}
