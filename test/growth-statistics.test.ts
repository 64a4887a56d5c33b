// Mann–Kendall, Theil–Sen and Benjamini–Hochberg against values worked out by hand, a
// published worked example, brute-force enumeration of the null distribution, and coverage
// of the slope's confidence interval on simulated data.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { benjaminiHochberg } from '../src/growth/multiple-testing.js';
import { mannKendall, theilSen, twoSidedNormalPValue } from '../src/growth/statistics.js';
import { normalNoise, seededRandom } from './helpers/random.js';

function permutations(values: number[]): number[][] {
  if (values.length <= 1) return [values];
  return values.flatMap((value, index) =>
    permutations([...values.slice(0, index), ...values.slice(index + 1)]).map((rest) => [value, ...rest]),
  );
}

describe('mannKendall', () => {
  it('matches a tiny case worked by hand', () => {
    // Pairs of 1, 3, 2, 4: five increases, one decrease.
    const result = mannKendall([1, 3, 2, 4]);
    assert.equal(result.s, 4);
    assert.ok(Math.abs(result.variance - (4 * 3 * 13) / 18) < 1e-12);
    assert.ok(Math.abs(result.z - 3 / Math.sqrt(156 / 18)) < 1e-12);
    assert.ok(Math.abs(result.tau - 4 / 6) < 1e-12);
    // Exact: 24 orderings; |S| ≥ 4 needs at most 1 or at least 5 inversions: (1 + 3 + 3 + 1) / 24.
    assert.equal(result.method, 'exact');
    assert.ok(Math.abs(result.pValue - 8 / 24) < 1e-12);
  });

  it('corrects the variance and tau for ties, by hand', () => {
    const result = mannKendall([1, 2, 2, 3]);
    assert.equal(result.s, 5);
    assert.deepEqual(result.tieGroupSizes, [2]);
    assert.ok(Math.abs(result.variance - (4 * 3 * 13 - 2 * 1 * 9) / 18) < 1e-12);
    assert.ok(Math.abs(result.z - 4 / Math.sqrt(138 / 18)) < 1e-12);
    assert.equal(result.method, 'normal');
    // Φ(1.4446) ≈ 0.92571 (standard normal table), so p ≈ 0.1486.
    assert.ok(Math.abs(result.pValue - 0.1486) < 0.0005, `p = ${result.pValue}`);
    // tau-b = S / √(N (N − ties)) with N = 6 pairs and one tied pair.
    assert.ok(Math.abs(result.tau - 5 / Math.sqrt(30)) < 1e-12);
  });

  it('reproduces the published worked example (Holy Cross, "A Mann-Kendall Example (By Hand)")', () => {
    // mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt: S = 54,
    // V = 14·13·33/18 − 2·1·9/18, Z = 2.9058, one-sided p ≈ .0018.
    const series = [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7];
    const result = mannKendall(series);
    assert.equal(result.s, 54);
    assert.ok(Math.abs(result.variance - ((14 * 13 * 33) / 18 - (2 * 1 * 9) / 18)) < 1e-9);
    assert.ok(Math.abs(result.z - 2.9058) < 1e-4, `z = ${result.z}`);
    assert.ok(Math.abs(result.pValue / 2 - 0.0018) < 0.0001, `p = ${result.pValue}`);
  });

  it('gives exact p-values equal to brute-force enumeration of all orderings', () => {
    const samples = 6;
    const all = permutations([1, 2, 3, 4, 5, 6]);
    const statistics = all.map((ordering) => mannKendall(ordering).s);
    for (const observed of new Set(statistics)) {
      const extreme = statistics.filter((s) => Math.abs(s) >= Math.abs(observed)).length / all.length;
      const ordering = all[statistics.indexOf(observed)]!;
      const result = mannKendall(ordering);
      assert.equal(result.method, 'exact');
      assert.equal(result.samples, samples);
      assert.ok(Math.abs(result.pValue - extreme) < 1e-12, `S = ${observed}: ${result.pValue} vs ${extreme}`);
    }
  });

  it('calls a constant series trendless and a decreasing one negative', () => {
    const constant = mannKendall([5, 5, 5, 5, 5, 5]);
    assert.equal(constant.s, 0);
    assert.equal(constant.pValue, 1);
    const decreasing = mannKendall([
      9, 8, 7, 6, 5, 4, 3, 2, 1, 0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11,
    ]);
    assert.equal(decreasing.method, 'normal');
    assert.ok(decreasing.s < 0 && decreasing.z < 0 && decreasing.tau === -1);
    assert.ok(decreasing.pValue < 1e-6);
  });

  it('computes normal tail probabilities accurately', () => {
    // Standard normal table: 2 (1 − Φ(1.96)) = 0.0500, 2 (1 − Φ(3)) = 0.0027.
    assert.ok(Math.abs(twoSidedNormalPValue(1.959964) - 0.05) < 1e-6);
    assert.ok(Math.abs(twoSidedNormalPValue(-3) - 0.0026998) < 1e-6);
    assert.equal(twoSidedNormalPValue(0), 1);
  });
});

describe('theilSen', () => {
  it('ignores an outlier and gives the interval from ranks worked by hand', () => {
    // Slopes: six of 2, then 24.5, 32, 47, 92. Median 2; intercept median(y) − 2 · median(x) = 0.
    const result = theilSen([1, 2, 3, 4, 5], [2, 4, 6, 8, 100]);
    assert.equal(result.slope, 2);
    assert.equal(result.intercept, 0);
    assert.equal(result.pairCount, 10);
    // C = 1.96 · √(5·4·15/18) ≈ 8.0: ranks round(1.0) = 1 and round(9.0) + 1 = 10.
    assert.equal(result.lowerSlope, 2);
    assert.equal(result.upperSlope, 92);
  });

  it('recovers a known slope with an interval that covers it about 95 % of the time', () => {
    const random = seededRandom(7);
    const trueSlope = 3;
    let covered = 0;
    const trials = 300;
    for (let trial = 0; trial < trials; trial++) {
      const x = Array.from({ length: 25 }, (_, i) => i * 10);
      const y = x.map((value) => 1000 + trueSlope * value + 20 * normalNoise(random));
      const result = theilSen(x, y);
      assert.ok(result.lowerSlope <= result.slope && result.slope <= result.upperSlope);
      if (result.lowerSlope <= trueSlope && trueSlope <= result.upperSlope) covered++;
    }
    const coverage = covered / trials;
    assert.ok(coverage > 0.9 && coverage <= 1, `coverage ${coverage}`);
  });

  it('rejects series it cannot estimate', () => {
    assert.throws(() => theilSen([1], [1]), RangeError);
    assert.throws(() => theilSen([1, 2], [1]), RangeError);
    assert.throws(() => theilSen([3, 3, 3], [1, 2, 3]), RangeError);
  });
});

describe('benjaminiHochberg', () => {
  it('adjusts p-values as worked by hand', () => {
    // Sorted 0.005, 0.01, 0.03, 0.04 (m = 4): p·m/rank = 0.02, 0.02, 0.04, 0.04, then running minima from the top.
    const adjusted = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
    const expected = [0.02, 0.04, 0.04, 0.02];
    adjusted.forEach((value, index) => {
      assert.ok(Math.abs(value - expected[index]!) < 1e-12);
    });
    assert.deepEqual(benjaminiHochberg([]), []);
    assert.deepEqual(benjaminiHochberg([0.3]), [0.3]);
  });
});
