// Trend statistics for short series of heap measurements: the Mann–Kendall test for a
// monotonic trend and the Theil–Sen slope with its confidence interval. Both are rank based,
// so a single GC outlier or a step does not dominate them the way it dominates least squares.

import { errorFunction, medianSorted, probit } from 'simple-statistics';

/** Without ties and up to this many samples the p-value is exact (the normal approximation is rough below ~10). */
export const EXACT_P_VALUE_MAX_SAMPLES = 20;

export interface MannKendallResult {
  /** Number of samples. */
  samples: number;
  /** Σ sign(y_j − y_i) over i < j: concordant minus discordant pairs. */
  s: number;
  /** Var(S) under no trend, corrected for tied values. */
  variance: number;
  /** Normal score of S with continuity correction; 0 when S = 0. */
  z: number;
  /** Two-sided p-value of "no monotonic trend". */
  pValue: number;
  /** How `pValue` was computed: the exact null distribution (no ties, few samples) or the normal approximation. */
  method: 'exact' | 'normal';
  /** Kendall's tau-b between time and value: S scaled to [−1, 1], corrected for ties in the values. */
  tau: number;
  /** Sizes of the groups of equal values (only groups of two or more). */
  tieGroupSizes: number[];
}

/**
 * Mann–Kendall trend test. The series must be in time order.
 *
 * References: H. B. Mann, "Nonparametric tests against trend", Econometrica 13 (1945) 245–259;
 * M. G. Kendall, "Rank Correlation Methods", 4th ed., Griffin, 1975 (S, its variance, tau-b);
 * K. W. Hipel and A. I. McLeod, "Time Series Modelling of Water Resources and Environmental
 * Systems", Elsevier, 1994, ch. 23 (tie correction of Var(S), continuity correction of Z);
 * R. O. Gilbert, "Statistical Methods for Environmental Pollution Monitoring", 1987, §16.
 * Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18 over groups of t tied values;
 * Z = (S − sign(S)) / √Var(S); p = 2 (1 − Φ(|Z|)).
 */
export function mannKendall(values: readonly number[]): MannKendallResult {
  const samples = values.length;
  let s = 0;
  for (let i = 0; i < samples - 1; i++) {
    const value = values[i]!;
    for (let j = i + 1; j < samples; j++) s += Math.sign(values[j]! - value);
  }
  const tieGroupSizes = tieGroups(values);
  let tieCorrection = 0;
  let tiedPairs = 0;
  for (const size of tieGroupSizes) {
    tieCorrection += size * (size - 1) * (2 * size + 5);
    tiedPairs += (size * (size - 1)) / 2;
  }
  const variance = (samples * (samples - 1) * (2 * samples + 5) - tieCorrection) / 18;
  const z = variance > 0 && s !== 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  const pairs = (samples * (samples - 1)) / 2;
  const tauDenominator = Math.sqrt(pairs * (pairs - tiedPairs));
  const tau = tauDenominator > 0 ? s / tauDenominator : 0;
  const exact = tieGroupSizes.length === 0 && samples >= 2 && samples <= EXACT_P_VALUE_MAX_SAMPLES;
  let pValue = 1;
  if (exact) pValue = exactTwoSidedPValue(samples, s);
  else if (variance > 0) pValue = twoSidedNormalPValue(z);
  return { samples, s, variance, z, pValue, method: exact ? 'exact' : 'normal', tau, tieGroupSizes };
}

/** 2 (1 − Φ(|z|)), written as 1 − erf(|z|/√2) so it stays accurate for large |z|. */
export function twoSidedNormalPValue(z: number): number {
  return Math.min(1, Math.max(0, 1 - errorFunction(Math.abs(z) / Math.SQRT2)));
}

/**
 * Exact two-sided p-value of S without ties. Under no trend every ordering is equally likely,
 * and S = N − 2Q where Q is the number of inversions of a random permutation, whose
 * distribution (the Mahonian numbers) is built one element at a time, kept as probabilities.
 */
function exactTwoSidedPValue(samples: number, s: number): number {
  const pairs = (samples * (samples - 1)) / 2;
  let probabilities = [1];
  for (let size = 2; size <= samples; size++) {
    const next = new Array<number>(probabilities.length + size - 1).fill(0);
    for (let inversions = 0; inversions < probabilities.length; inversions++) {
      const share = probabilities[inversions]! / size;
      for (let added = 0; added < size; added++) next[inversions + added]! += share;
    }
    probabilities = next;
  }
  // P(|S'| ≥ |S|) = 2 P(Q' ≤ (N − |S|) / 2) by symmetry.
  const maximumInversions = (pairs - Math.abs(s)) / 2;
  let tail = 0;
  for (let inversions = 0; inversions <= maximumInversions; inversions++) tail += probabilities[inversions]!;
  return Math.min(1, 2 * tail);
}

function tieGroups(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const sizes: number[] = [];
  let runLength = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) {
      runLength++;
      continue;
    }
    if (runLength > 1) sizes.push(runLength);
    runLength = 1;
  }
  return sizes;
}

export interface TheilSenResult {
  /** Median of the pairwise slopes (y_j − y_i) / (x_j − x_i). */
  slope: number;
  /** median(y) − slope · median(x) (Conover), so the line passes through the medians. */
  intercept: number;
  /** Lower and upper bound of the slope's confidence interval (Sen 1968, Gilbert 1987 §16.5.1). */
  lowerSlope: number;
  upperSlope: number;
  /** Confidence level of [lowerSlope, upperSlope], e.g. 0.95. */
  confidenceLevel: number;
  /** Number of pairwise slopes (pairs with distinct x). */
  pairCount: number;
}

/**
 * Theil–Sen estimator: H. Theil (1950), P. K. Sen, "Estimates of the regression coefficient
 * based on Kendall's tau", JASA 63 (1968) 1379–1389. The confidence interval takes the slopes
 * of rank (N − C)/2 and (N + C)/2 + 1 among the N sorted slopes, C = z_{1−α/2} √Var(S); when
 * there are too few samples for the requested level it widens to the extreme slopes.
 * Cost is O(n² log n): fine for the tens to hundreds of snapshots of a run.
 */
export function theilSen(x: readonly number[], y: readonly number[], confidenceLevel = 0.95): TheilSenResult {
  if (x.length !== y.length) throw new RangeError(`x has ${x.length} values but y has ${y.length}`);
  if (x.length < 2) throw new RangeError('the Theil–Sen slope needs at least two points');
  const slopes: number[] = [];
  for (let i = 0; i < x.length - 1; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const run = x[j]! - x[i]!;
      if (run !== 0) slopes.push((y[j]! - y[i]!) / run);
    }
  }
  if (slopes.length === 0) throw new RangeError('the Theil–Sen slope needs two distinct x values');
  slopes.sort((a, b) => a - b);
  const slope = medianSorted(slopes);
  const intercept = median(y) - slope * median(x);
  const { variance } = mannKendall(y);
  const spread = probit(1 - (1 - confidenceLevel) / 2) * Math.sqrt(variance);
  const lowerRank = Math.round((slopes.length - spread) / 2);
  const upperRank = Math.round((slopes.length + spread) / 2) + 1;
  const clampRank = (rank: number) => Math.min(slopes.length, Math.max(1, rank));
  return {
    slope,
    intercept,
    lowerSlope: slopes[clampRank(lowerRank) - 1]!,
    upperSlope: slopes[clampRank(upperRank) - 1]!,
    confidenceLevel,
    pairCount: slopes.length,
  };
}

export function median(values: readonly number[]): number {
  return medianSorted([...values].sort((a, b) => a - b));
}
