// The O(n log n) Mann–Kendall and the exact/sampled Theil–Sen against the O(n²) definitions,
// written here from the textbook formulas, on random series and on heavily tied ones.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { medianSorted, probit } from 'simple-statistics';
import {
  mannKendall,
  THEIL_SEN_EXACT_MAX_PAIRS,
  THEIL_SEN_SAMPLED_PAIRS,
  theilSen,
} from '../src/growth/statistics.js';
import { normalNoise, seededRandom } from './helpers/random.js';

/** S = Σ_{i<j} sign(y_j − y_i) and Var(S) with Kendall's tie correction, pair by pair. */
function referenceMannKendall(values: number[]): { s: number; variance: number; ties: number[] } {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) s += Math.sign(values[j]! - values[i]!);
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  const ties = [...counts.entries()]
    .filter(([, count]) => count > 1)
    .sort(([a], [b]) => a - b)
    .map(([, count]) => count);
  let correction = 0;
  for (const t of ties) correction += t * (t - 1) * (2 * t + 5);
  return { s, variance: (n * (n - 1) * (2 * n + 5) - correction) / 18, ties };
}

/** Every pairwise slope, sorted; the median and the Sen interval's ranks. */
function referenceTheilSen(x: number[], y: number[], confidenceLevel = 0.95) {
  const slopes: number[] = [];
  for (let i = 0; i < x.length - 1; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const run = x[j]! - x[i]!;
      if (run !== 0) slopes.push((y[j]! - y[i]!) / run);
    }
  }
  slopes.sort((a, b) => a - b);
  const spread = probit(1 - (1 - confidenceLevel) / 2) * Math.sqrt(referenceMannKendall(y).variance);
  const clamp = (rank: number) => Math.min(slopes.length, Math.max(1, rank));
  const lowerRank = clamp(Math.round((slopes.length - spread) / 2));
  const upperRank = clamp(Math.round((slopes.length + spread) / 2) + 1);
  return {
    slopes,
    slope: medianSorted(slopes),
    lowerSlope: slopes[lowerRank - 1]!,
    upperSlope: slopes[upperRank - 1]!,
    lowerRank,
    upperRank,
  };
}

/** Series of several kinds: noisy trends, plateaus (heavy ties), a handful of levels, constants. */
function series(seed: number, n: number): number[][] {
  const random = seededRandom(seed);
  const trend = Array.from({ length: n }, (_, i) => Math.round(1000 + 3 * i + 40 * normalNoise(random)));
  const steps = Array.from({ length: n }, (_, i) => 24 + 1872 * Math.floor((i * 4) / n));
  const levels = Array.from({ length: n }, () => Math.floor(random() * 3));
  const constant = Array.from({ length: n }, () => 7);
  const fractional = Array.from({ length: n }, (_, i) => i * 0.1 + random());
  return [trend, steps, levels, constant, fractional];
}

describe('fast Mann–Kendall equals the pair-by-pair definition', () => {
  for (const n of [2, 3, 5, 17, 64, 257, 1000]) {
    it(`n = ${n}: S, Var(S), ties, tau and p`, () => {
      for (let seed = 1; seed <= 4; seed++) {
        for (const values of series(seed * 7919 + n, n)) {
          const fast = mannKendall(values);
          const reference = referenceMannKendall(values);
          assert.equal(fast.s, reference.s);
          assert.equal(fast.variance, reference.variance);
          assert.deepEqual(fast.tieGroupSizes, reference.ties);
          const pairs = (n * (n - 1)) / 2;
          const tiedPairs = reference.ties.reduce((sum, t) => sum + (t * (t - 1)) / 2, 0);
          const tau = pairs - tiedPairs > 0 ? reference.s / Math.sqrt(pairs * (pairs - tiedPairs)) : 0;
          assert.ok(Math.abs(fast.tau - tau) < 1e-12);
        }
      }
    });
  }
});

describe('Theil–Sen', () => {
  it(`equals the definition exactly up to ${THEIL_SEN_EXACT_MAX_PAIRS} pairs, ties in x and y included`, () => {
    for (const n of [2, 3, 10, 60, 181]) {
      for (let seed = 1; seed <= 3; seed++) {
        const random = seededRandom(seed * 31 + n);
        // Times with repeats (pairs of equal x are left out) and evenly spaced iterations.
        const xs = [
          Array.from({ length: n }, (_, i) => i * 1000),
          Array.from({ length: n }, (_, i) => Math.floor(i / 3) + (i === 0 ? 0 : 1)),
          Array.from({ length: n }, () => Math.floor(random() * n)).sort((a, b) => a - b),
        ];
        for (const x of xs) {
          for (const y of series(seed + n, n)) {
            if (new Set(x).size < 2) continue;
            const fast = theilSen(x, y);
            const reference = referenceTheilSen(x, y);
            assert.equal(fast.pairCount, reference.slopes.length);
            assert.equal(fast.slope, reference.slope);
            assert.equal(fast.lowerSlope, reference.lowerSlope);
            assert.equal(fast.upperSlope, reference.upperSlope);
          }
        }
      }
    }
  });

  it('beyond that, the sampled slope and bounds fall within the stated rank error', () => {
    // A quantile of m sampled slopes has rank standard error √(q(1 − q)/m); allow 4 of them.
    const tolerance = 4 * Math.sqrt(0.25 / THEIL_SEN_SAMPLED_PAIRS);
    for (const n of [182, 400, 1000]) {
      const x = Array.from({ length: n }, (_, i) => i * 250);
      for (const y of series(n, n)) {
        const fast = theilSen(x, y);
        const reference = referenceTheilSen(x, y);
        const N = reference.slopes.length;
        assert.equal(fast.pairCount, N);
        // The share of all slopes below / at most the returned value brackets the target quantile.
        const rankRange = (value: number) => {
          let below = 0;
          let atMost = 0;
          for (const slope of reference.slopes) {
            if (slope < value) below++;
            if (slope <= value) atMost++;
          }
          return [below / N, atMost / N] as const;
        };
        for (const [value, quantile] of [
          [fast.slope, 0.5],
          [fast.lowerSlope, (reference.lowerRank - 0.5) / N],
          [fast.upperSlope, (reference.upperRank - 0.5) / N],
        ] as const) {
          const [low, high] = rankRange(value);
          assert.ok(
            low - tolerance <= quantile && quantile <= high + tolerance,
            `n = ${n}: value at quantiles [${low}, ${high}], wanted ${quantile}`,
          );
        }
        // The same series gives the same result (the sample is seeded by the data).
        assert.deepEqual(theilSen(x, y), fast);
      }
    }
  });
});
