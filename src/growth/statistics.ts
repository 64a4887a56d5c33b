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
  // S = concordant − discordant = pairs − tied pairs − 2 · discordant, and the discordant
  // pairs (i < j, y_i > y_j) are the inversions a merge sort counts: O(n log n), exact.
  const { sorted, inversions } = sortCountingInversions(values);
  const tieGroupSizes = tieGroupsOfSorted(sorted);
  let tieCorrection = 0;
  let tiedPairs = 0;
  for (const size of tieGroupSizes) {
    tieCorrection += size * (size - 1) * (2 * size + 5);
    tiedPairs += (size * (size - 1)) / 2;
  }
  const pairs = (samples * (samples - 1)) / 2;
  const s = pairs - tiedPairs - 2 * inversions;
  const variance = (samples * (samples - 1) * (2 * samples + 5) - tieCorrection) / 18;
  const z = variance > 0 && s !== 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  const tauDenominator = Math.sqrt(pairs * (pairs - tiedPairs));
  const tau = tauDenominator > 0 ? s / tauDenominator : 0;
  const exact = tieGroupSizes.length === 0 && samples >= 2 && samples <= EXACT_P_VALUE_MAX_SAMPLES;
  let pValue = 1;
  if (exact) pValue = exactTwoSidedPValue(samples, s);
  else if (variance > 0) pValue = twoSidedNormalPValue(z);
  return { samples, s, variance, z, pValue, method: exact ? 'exact' : 'normal', tau, tieGroupSizes };
}

/**
 * The values sorted ascending, and the number of pairs i < j with values[i] > values[j]
 * (equal values are not inversions). Bottom-up merge sort over two typed buffers.
 */
function sortCountingInversions(values: readonly number[]): { sorted: Float64Array; inversions: number } {
  const length = values.length;
  let source = Float64Array.from(values);
  let target = new Float64Array(length);
  let inversions = 0;
  for (let width = 1; width < length; width *= 2) {
    for (let start = 0; start < length; start += 2 * width) {
      const middle = Math.min(start + width, length);
      const end = Math.min(start + 2 * width, length);
      let left = start;
      let right = middle;
      let out = start;
      while (left < middle && right < end) {
        if (source[left]! <= source[right]!) {
          target[out++] = source[left++]!;
        } else {
          // Every value left in the left run is greater than this one and comes before it.
          inversions += middle - left;
          target[out++] = source[right++]!;
        }
      }
      while (left < middle) target[out++] = source[left++]!;
      while (right < end) target[out++] = source[right++]!;
    }
    [source, target] = [target, source];
  }
  return { sorted: source, inversions };
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

/** Sizes of the runs of equal values (two or more) in sorted values. */
function tieGroupsOfSorted(sorted: ArrayLike<number>): number[] {
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
 * Up to this many pairwise slopes (n ≤ 181 samples) the slopes are all computed and the
 * result is exactly the definition's; beyond, `THEIL_SEN_SAMPLED_PAIRS` pairs drawn at random
 * (seeded by the data, so a series always gives the same result) stand for all of them.
 */
export const THEIL_SEN_EXACT_MAX_PAIRS = 16_384;
export const THEIL_SEN_SAMPLED_PAIRS = 16_384;

/**
 * Theil–Sen estimator: H. Theil (1950), P. K. Sen, "Estimates of the regression coefficient
 * based on Kendall's tau", JASA 63 (1968) 1379–1389. The confidence interval takes the slopes
 * of rank (N − C)/2 and (N + C)/2 + 1 among the N sorted slopes, C = z_{1−α/2} √Var(S); when
 * there are too few samples for the requested level it widens to the extreme slopes.
 *
 * Cost: with N ≤ `THEIL_SEN_EXACT_MAX_PAIRS` pairs, every slope (exact). Beyond, the slope and
 * the bounds are the same quantiles of m = `THEIL_SEN_SAMPLED_PAIRS` slopes of pairs drawn
 * uniformly with replacement, O(m log m + n log n) whatever n. Stated error: a quantile of m
 * sampled slopes has standard error √(q(1 − q)/m) in rank, ≤ 0.4 % of N for m = 16,384 (a
 * 95 % band of ±0.77 % of the ranks at the median). The 95 % interval itself spans about
 * ±2·√Var(S)/N of the ranks, ±4 % at n = 1,000 and wider below, so the sampling moves the
 * slope by a small fraction of its own uncertainty.
 */
export function theilSen(x: readonly number[], y: readonly number[], confidenceLevel = 0.95): TheilSenResult {
  if (x.length !== y.length) throw new RangeError(`x has ${x.length} values but y has ${y.length}`);
  if (x.length < 2) throw new RangeError('the Theil–Sen slope needs at least two points');
  const pairCount = distinctXPairCount(x);
  if (pairCount === 0) throw new RangeError('the Theil–Sen slope needs two distinct x values');
  const slopes = pairCount <= THEIL_SEN_EXACT_MAX_PAIRS ? allSlopes(x, y, pairCount) : sampledSlopes(x, y);
  const { variance } = mannKendall(y);
  const spread = probit(1 - (1 - confidenceLevel) / 2) * Math.sqrt(variance);
  const clampRank = (rank: number) => Math.min(pairCount, Math.max(1, rank));
  const lowerRank = clampRank(Math.round((pairCount - spread) / 2));
  const upperRank = clampRank(Math.round((pairCount + spread) / 2) + 1);
  // Rank r of N (1-based) is the slope at the same quantile of the computed ones (the same
  // index when all were computed). Order statistics by selection, not a sort: O(m).
  const indexOf = (rank: number) =>
    Math.min(slopes.length - 1, Math.max(0, Math.round(((rank - 0.5) / pairCount) * slopes.length - 0.5)));
  const orderStatistics = new OrderStatistics(slopes);
  // The median as simple-statistics' medianSorted takes it: index (m − 1)/2, interpolated.
  const middle = (slopes.length - 1) / 2;
  const below = orderStatistics.at(Math.floor(middle));
  const slope = middle % 1 === 0 ? below : below + 0.5 * (orderStatistics.at(Math.ceil(middle)) - below);
  const intercept = median(y) - slope * median(x);
  return {
    slope,
    intercept,
    lowerSlope: orderStatistics.at(indexOf(lowerRank)),
    upperSlope: orderStatistics.at(indexOf(upperRank)),
    confidenceLevel,
    pairCount,
  };
}

/**
 * The k-th smallest values of an array, found by selection (Hoare's quickselect, median-of-3
 * pivots) on a shrinking range: each query partitions only between the nearest indexes
 * already placed, so a few order statistics cost O(m) together. Reorders the array.
 */
class OrderStatistics {
  readonly #values: Float64Array;
  /** Indexes whose value is final (everything before is ≤ it, everything after ≥), ascending. */
  readonly #placed: number[] = [];

  constructor(values: Float64Array) {
    this.#values = values;
  }

  at(k: number): number {
    const placed = this.#placed;
    let left = 0;
    let right = this.#values.length - 1;
    for (const index of placed) {
      if (index === k) return this.#values[k]!;
      if (index < k) left = index + 1;
      else {
        right = index - 1;
        break;
      }
    }
    selectInPlace(this.#values, k, left, right);
    placed.push(k);
    placed.sort((a, b) => a - b);
    return this.#values[k]!;
  }
}

function selectInPlace(values: Float64Array, k: number, from: number, to: number): void {
  let left = from;
  let right = to;
  while (right > left) {
    const a = values[left]!;
    const b = values[(left + right) >>> 1]!;
    const c = values[right]!;
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c)); // the median of three
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    // Now [left, j] ≤ pivot, [i, right] ≥ pivot, and everything between equals it.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

/** Pairs i < j with x_i ≠ x_j: all pairs minus those within groups of equal x. */
function distinctXPairCount(x: readonly number[]): number {
  const n = x.length;
  let pairs = (n * (n - 1)) / 2;
  for (const size of tieGroupsOfSorted(Float64Array.from(x).sort())) pairs -= (size * (size - 1)) / 2;
  return pairs;
}

function allSlopes(x: readonly number[], y: readonly number[], pairCount: number): Float64Array {
  const slopes = new Float64Array(pairCount);
  let count = 0;
  for (let i = 0; i < x.length - 1; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const run = x[j]! - x[i]!;
      if (run !== 0) slopes[count++] = (y[j]! - y[i]!) / run;
    }
  }
  return slopes;
}

/** Slopes of uniformly drawn pairs with distinct x; the generator is seeded by the data. */
function sampledSlopes(x: readonly number[], y: readonly number[]): Float64Array {
  const n = x.length;
  const slopes = new Float64Array(THEIL_SEN_SAMPLED_PAIRS);
  let state = (n * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i += Math.max(1, n >> 4))
    state = (state ^ Math.imul(hashNumber(y[i]!), 0x9e3779b1)) >>> 0 || 1;
  const next = () => {
    // xorshift32: fast, and good enough to draw indexes.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  for (let count = 0; count < slopes.length; ) {
    const a = Math.floor(next() * n);
    const b = Math.floor(next() * n);
    if (a === b) continue;
    const i = Math.min(a, b);
    const j = Math.max(a, b);
    const run = x[j]! - x[i]!;
    if (run !== 0) slopes[count++] = (y[j]! - y[i]!) / run;
  }
  return slopes;
}

function hashNumber(value: number): number {
  return Number.isFinite(value) ? Math.floor(Math.abs(value)) % 4294967291 : 0;
}

export function median(values: readonly number[]): number {
  // A typed array sorts numerically without a comparator, several times faster.
  return medianSorted(Float64Array.from(values).sort() as unknown as number[]);
}
