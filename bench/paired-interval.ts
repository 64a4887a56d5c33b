// A paired comparison for the benchmarks: the mean of per-pair percent differences with a 95 %
// Student t confidence interval (t quantiles from a standard table), and whether the interval's
// worse end lies inside a target.

/** Two-sided 95 % quantiles of Student's t (0.975) by degrees of freedom, from the standard table. */
const T_975: Record<number, number> = {
  1: 12.706,
  2: 4.303,
  3: 3.182,
  4: 2.776,
  5: 2.571,
  6: 2.447,
  7: 2.365,
  8: 2.306,
  9: 2.262,
  10: 2.228,
  11: 2.201,
  12: 2.179,
  13: 2.16,
  14: 2.145,
  15: 2.131,
  16: 2.12,
  17: 2.11,
  18: 2.101,
  19: 2.093,
  20: 2.086,
  21: 2.08,
  22: 2.074,
  23: 2.069,
  24: 2.064,
  25: 2.06,
  26: 2.056,
  27: 2.052,
  28: 2.048,
  29: 2.045,
  30: 2.042,
  40: 2.021,
  60: 2.0,
  120: 1.98,
};

/** The t quantile for `df`, rounding df down to the nearest tabled value (a slightly wider interval). */
export function tQuantile975(df: number): number {
  if (df < 1) return Number.NaN;
  const tabled = Object.keys(T_975)
    .map(Number)
    .filter((value) => value <= df);
  return df > 120 ? 1.96 : T_975[Math.max(...tabled)]!;
}

export interface MeanInterval {
  n: number;
  mean: number;
  /** Standard deviation of the values (n − 1). */
  sd: number;
  low: number;
  high: number;
}

/** Mean with its 95 % t interval. */
export function meanInterval(values: number[]): MeanInterval {
  const n = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const sd = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1));
  const half = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, low: mean - half, high: mean + half };
}

/**
 * The target is met only when the interval's worse end lies inside it: a cost (CPU) must stay
 * below +target, a rate (throughput) above −target; a change the other way is no harm.
 */
export function withinTarget(
  interval: MeanInterval,
  targetPercent: number,
  worse: 'higher' | 'lower',
): boolean {
  return worse === 'higher' ? interval.high < targetPercent : interval.low > -targetPercent;
}

export function formatInterval(interval: MeanInterval, digits = 2, unit = ' %'): string {
  const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
  return `${signed(interval.mean)}${unit} [${signed(interval.low)}, ${signed(interval.high)}]`;
}
