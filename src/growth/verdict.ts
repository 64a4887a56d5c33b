// The verdict on one measured series (a structure's size, entries or count over a run): a
// chain of small named rules, each deciding or passing, so a verdict always says which rule
// decided and why. A trend test alone is not enough: V8 structures rise in steps to their
// live high-water mark and then stay, which Mann–Kendall alone calls an increasing trend.

import { formatBytes, formatCount } from '../format/index.js';
import { type MannKendallResult, mannKendall, type TheilSenResult, theilSen } from './statistics.js';

export type XUnit = 'iteration' | 'ms';
export type Verdict = 'growing' | 'stable' | 'inconclusive';
/** What the series measures: bytes (self or retained size) or a count (objects, live entries). */
export type MetricKind = 'bytes' | 'count';

export interface MeasuredSeries {
  /** Iteration count where the scenario counts iterations, elapsed milliseconds otherwise; increasing. */
  x: number[];
  y: number[];
  xUnit: XUnit;
  /** Elapsed wall time of each sample, for the per-hour slope. */
  elapsedMs: number[];
}

/** Significance level of the Mann–Kendall test: the usual 5 %, stated in every verdict as its confidence. */
export const DEFAULT_ALPHA = 0.05;
/**
 * Samples needed after warm-up. With 6 untied samples a perfect trend reaches p ≈ 0.003 and one
 * out-of-order pair still p < 0.05, so a real trend can be significant; with fewer, one GC
 * outlier decides.
 */
export const MINIMUM_SAMPLES = 6;
/**
 * Share of the first samples dropped as warm-up (at least one). The first snapshot is taken
 * before the code under test settles (module loading, first JIT tiers, lazily created V8
 * lists), and the measured fixed series jump from 24 to 1,896 bytes between samples 1 and 2.
 */
export const WARMUP_FRACTION = 0.1;
export const MINIMUM_WARMUP_SAMPLES = 1;
/**
 * Growth over the run must reach this share of the structure's largest size. Non-leaking
 * heaps drift by tens of KB on MBs (1–2 %) from JIT code and feedback vectors; 5 % leaves a
 * margin while a leaking structure, measured on its own, grows by far more than its start.
 */
export const RELATIVE_GROWTH_FLOOR = 0.05;
/**
 * Absolute growth floors per metric kind. Fixed Node versions' retained_maps plateau at
 * 1–6 KB (DESIGN.md; 2,064 B measured on 22.15.0) while affected ones grow by tens of KB in
 * 30 s (135 KB in 240 passes measured on 22.14.0); 8 KiB over a run ignores a fixed
 * runtime's high-water mark, a stray feedback vector or code object, yet is a fraction of any
 * leak worth reporting. 32 entries likewise for counts.
 */
export const ABSOLUTE_GROWTH_FLOOR: Record<MetricKind, number> = { bytes: 8192, count: 32 };
/**
 * Changes smaller than this share of the series' range are flat; the late part of the run
 * (its last third, at least 3 samples) is a plateau when it stays flat (see PLATEAU_RHYTHM):
 * a few steps then flat is the live high-water mark, not a leak.
 */
export const PLATEAU_FLATNESS = 0.1;
export const LATE_PART_FRACTION = 1 / 3;
export const MINIMUM_LATE_SAMPLES = 3;
/**
 * Arrays that grow by capacity (V8's WeakArrayList by half, hash tables by doubling) leak in
 * steps that come further apart as they grow: measured on 22.14.0, retained_maps went 7.8, 26,
 * 60, 90, 90, 135, 135, 135 KB. A final flat stretch is a plateau only when it lasts this many
 * times the longest interval between the earlier steps; shorter, the staircase is still on
 * its rhythm (×1.5 capacity growth makes each interval up to ~1.5 times the last).
 */
export const PLATEAU_RHYTHM = 1.5;
/** Rises needed to call a staircase still on its rhythm growing (fewer: no rhythm to speak of). */
export const MINIMUM_STAIRCASE_STEPS = 3;
/**
 * Growth persists when the late part's own Theil–Sen slope is at least this share of the
 * run's slope. A linear leak gives ~1; a logarithmic one still ~0.5 over a run; a warm-up
 * that is settling gives ~0 — below a quarter the run is too short to tell.
 */
export const PERSISTENCE_FRACTION = 0.25;
/** Confidence level of the reported slope interval. */
export const SLOPE_CONFIDENCE_LEVEL = 0.95;

const MILLISECONDS_PER_HOUR = 3_600_000;

export interface VerdictOptions {
  kind?: MetricKind;
  alpha?: number;
  minimumSamples?: number;
  /** Number of first samples to drop; default: `WARMUP_FRACTION` of them, at least one. */
  warmupSamples?: number;
  /** Growth over the run a significant trend must reach to be growing. */
  absoluteFloor?: number;
  relativeFloor?: number;
  /**
   * An undecided series (no significant trend, or a trend that slowed down) whose growth could
   * not reach this even at its upper bound is stable: it could not matter. Default: `absoluteFloor`.
   */
  materialFloor?: number;
  /**
   * Distinct rises after warm-up a significant trend must make, below the material floor, to
   * be a steady rise rather than a pool or a few sockets filling up. Default 0.
   */
  minimumRises?: number;
  plateauFlatness?: number;
  persistenceFraction?: number;
  /**
   * Most steps after warm-up that a live high-water mark may take; more is growth even if the
   * run ends on a flat stretch. Default: no limit. A scenario that knows its structure sets it
   * (retained_maps on a healthy runtime rises at most twice after warm-up; a leaking one keeps
   * stepping, but under heavy CPU load its steps can pause for most of a run).
   */
  maximumPlateauSteps?: number;
  /**
   * The p-value after a multiple-testing adjustment, when this series is one of many tested
   * together (the tracker's Benjamini–Hochberg step); the significance rule uses it.
   */
  adjustedPValue?: number;
}

/** Everything the rules look at, computed once per series. */
export interface SeriesEvidence {
  kind: MetricKind;
  xUnit: XUnit;
  /** Samples after warm-up. */
  samples: number;
  warmupDiscarded: number;
  x: number[];
  y: number[];
  elapsedMs: number[];
  mannKendall: MannKendallResult | undefined;
  /** p-value used for significance: `adjustedPValue` when given, else Mann–Kendall's. */
  pValue: number;
  theilSen: TheilSenResult | undefined;
  /** x distance covered after warm-up. */
  span: number;
  /** Theil–Sen slope × span: the growth the trend accounts for over the run. */
  growth: number;
  /** Upper confidence bound of the slope × span. */
  growthUpperBound: number;
  /** Largest value after warm-up: the size the relative floor refers to. */
  peak: number;
  /** growth / peak: the share of the structure's size that accumulated during the run. */
  relativeGrowth: number;
  /** growth needed to count: max(absolute floor, relative floor × peak). */
  growthThreshold: number;
  /** max(material floor, relative floor × peak): growth that could matter at all. */
  materialThreshold: number;
  /** Samples in the late part (last third). */
  lateSamples: number;
  /** Theil–Sen slope of the late part alone. */
  lateSlope: number;
  /** max − min of the late part. */
  lateRange: number;
  /**
   * Changes within this are flat: `PLATEAU_FLATNESS` × (max − min after warm-up). The range,
   * not the fitted growth, so a long noisy plateau (small fitted slope) is not read as steps.
   */
  flatTolerance: number;
  /** New high-water marks: values above the previous step's level by more than `flatTolerance`. */
  steps: number;
  /** Samples and x distance from the last step to the end (the whole series without steps). */
  finalFlatSamples: number;
  finalFlatSpan: number;
  /** Longest x distance between consecutive steps; 0 with one step (a one-off has no rhythm), the span with none. */
  longestStepInterval: number;
  slopePerHour: number;
  slopePer1000Iterations: number | null;
  options: Required<Omit<VerdictOptions, 'adjustedPValue'>>;
}

export interface RuleDecision {
  verdict: Verdict;
  reason: string;
}

/** One link of the chain: decides, or returns undefined to pass to the next rule. */
export interface VerdictRule {
  name: string;
  decide(evidence: SeriesEvidence): RuleDecision | undefined;
}

export interface SeriesVerdict {
  verdict: Verdict;
  /** Name of the rule that decided. */
  decidedBy: string;
  reason: string;
  kind: MetricKind;
  xUnit: XUnit;
  samples: number;
  warmupDiscarded: number;
  /** Theil–Sen slope per x unit, and its confidence interval. */
  slope: number;
  slopeInterval: [number, number];
  slopePerHour: number;
  slopePer1000Iterations: number | null;
  growth: number;
  relativeGrowth: number;
  lateSlope: number;
  /** p-value the significance rules used: Mann–Kendall's, or its multiple-testing adjustment when given. */
  pValue: number;
  /** Mann–Kendall's own p-value, before any adjustment. */
  trendTestPValue: number;
  /** 1 − pValue: the confidence that there is a monotonic trend at all. */
  confidence: number;
  tau: number;
  /** Mann–Kendall's S (concordant minus discordant pairs) after warm-up. */
  mannKendallS: number;
  alpha: number;
}

const enoughSamples: VerdictRule = {
  name: 'enough-samples',
  decide: (evidence) =>
    evidence.samples < evidence.options.minimumSamples
      ? {
          verdict: 'inconclusive',
          reason: `${evidence.samples} samples after dropping ${evidence.warmupDiscarded} warm-up; at least ${evidence.options.minimumSamples} are needed`,
        }
      : undefined,
};

const noChange: VerdictRule = {
  name: 'no-change',
  decide: (evidence) =>
    evidence.y.every((value) => value === evidence.y[0])
      ? { verdict: 'stable', reason: `unchanged at ${formatAmount(evidence.y[0]!, evidence.kind)}` }
      : undefined,
};

const trendTest: VerdictRule = {
  name: 'trend-test',
  decide: (evidence) => {
    const { pValue, options } = evidence;
    const s = evidence.mannKendall?.s ?? 0;
    if (s < 0 && pValue < options.alpha)
      return { verdict: 'stable', reason: `decreasing (${testText(evidence)})` };
    if (s > 0 && pValue < options.alpha) return undefined;
    if (evidence.growthUpperBound < evidence.materialThreshold) {
      return {
        verdict: 'stable',
        reason: `no significant trend (${testText(evidence)}); growth over the run is at most ${formatAmount(evidence.growthUpperBound, evidence.kind)} at ${percent(SLOPE_CONFIDENCE_LEVEL)} confidence, below ${formatAmount(evidence.materialThreshold, evidence.kind)}`,
      };
    }
    return undefined;
  },
};

/**
 * What accumulates does not go back: a series whose later half falls back, after a rise, to its
 * first half's low is not a leak, significant trend or not (counts after a forced GC are exact). And an exact count
 * (program objects, live entries) whose later half never tops its first half's peak reached a
 * cap: a pool or keep-alive agent at its limit. A leak's later peak is about half its growth
 * above; size series are left to the plateau rule, since arrays grow by capacity in steps.
 */
const capped: VerdictRule = {
  name: 'capped',
  decide: (evidence) => {
    const { first, later } = halves(evidence);
    if (first.length === 0 || later.length === 0) return undefined;
    const firstLow = Math.min(...first);
    const fallback = fallBack(evidence.y, first.length, firstLow, evidence.flatTolerance);
    if (fallback !== undefined) {
      return {
        verdict: 'stable',
        reason: `rose and then fell back to ${formatAmount(fallback, evidence.kind)} in the later half, no more than the first half's low (${formatAmount(firstLow, evidence.kind)}): nothing accumulates`,
      };
    }
    const exactCount = evidence.kind === 'count' && evidence.options.minimumRises > 0;
    const firstPeak = Math.max(...first);
    const laterPeak = Math.max(...later);
    if (exactCount && isSignificantIncrease(evidence) && laterPeak <= firstPeak + evidence.flatTolerance) {
      return {
        verdict: 'stable',
        reason: `rose to ${formatAmount(firstPeak, evidence.kind)} in the first half and the later half never topped it (${formatAmount(laterPeak, evidence.kind)}): a pool or cache at its cap`,
      };
    }
    return undefined;
  },
};

/** A value of the later half at or below the first half's low that comes after a rise above it. */
function fallBack(y: number[], laterStart: number, firstLow: number, tolerance: number): number | undefined {
  let risen = false;
  for (let i = 0; i < y.length; i++) {
    if (y[i]! > firstLow + tolerance) risen = true;
    else if (risen && i >= laterStart && y[i]! <= firstLow) return y[i];
  }
  return undefined;
}

function halves(evidence: SeriesEvidence): { first: number[]; later: number[] } {
  const half = Math.floor(evidence.samples / 2);
  return { first: evidence.y.slice(0, half), later: evidence.y.slice(half) };
}

/**
 * A series without a significant trend is bounded (a sawtooth, a cache, data in flight at
 * snapshot time) when its later half never tops its first half's peak by more than what could
 * matter, or than its own flatness tolerance (a tenth of its range: a noisy leak's later peak
 * is about half its range above).
 */
const bounded: VerdictRule = {
  name: 'bounded',
  decide: (evidence) => {
    if (isSignificantIncrease(evidence)) return undefined;
    const half = Math.floor(evidence.samples / 2);
    const firstPeak = Math.max(...evidence.y.slice(0, half));
    const later = evidence.y.slice(half);
    const laterPeak = Math.max(...later);
    const margin = Math.max(evidence.materialThreshold, evidence.flatTolerance);
    if (laterPeak - firstPeak <= margin) {
      return {
        verdict: 'stable',
        reason: `no significant trend (${testText(evidence)}) and the later half's peak ${formatAmount(laterPeak, evidence.kind)} stays within ${formatAmount(margin, evidence.kind)} of the first half's ${formatAmount(firstPeak, evidence.kind)}`,
      };
    }
    return undefined;
  },
};

const significance: VerdictRule = {
  name: 'significance',
  decide: (evidence) =>
    isSignificantIncrease(evidence)
      ? undefined
      : {
          verdict: 'inconclusive',
          reason: `no significant trend (${testText(evidence)}), but the data cannot exclude growth of up to ${formatAmount(evidence.growthUpperBound, evidence.kind)} over the run (${formatAmount(evidence.materialThreshold, evidence.kind)} would matter); ${moreSamplesText(evidence)}`,
        },
};

/** What to run to decide: as many samples again after warm-up, over twice the span. */
function moreSamplesText(evidence: SeriesEvidence): string {
  const total = evidence.samples + evidence.warmupDiscarded;
  return `a run twice as long (${total * 2 - evidence.warmupDiscarded} snapshots at the same interval) will tell`;
}

function isSignificantIncrease(evidence: SeriesEvidence): boolean {
  return (evidence.mannKendall?.s ?? 0) > 0 && evidence.pValue < evidence.options.alpha;
}

function testText(evidence: SeriesEvidence): string {
  return trendTestText({ mannKendallS: evidence.mannKendall?.s ?? 0, pValue: evidence.pValue });
}

/** The trend test's result in words, as the rules' reasons quote it. */
export function trendTestText(verdict: Pick<SeriesVerdict, 'mannKendallS' | 'pValue'>): string {
  return `Mann–Kendall S = ${verdict.mannKendallS}, p = ${formatP(verdict.pValue)}`;
}

const magnitude: VerdictRule = {
  name: 'magnitude',
  decide: (evidence) => {
    if (evidence.growth < evidence.growthThreshold) {
      return {
        verdict: 'stable',
        reason: `increasing (p = ${formatP(evidence.pValue)}) but only by ${formatAmount(evidence.growth, evidence.kind)} (${percent(evidence.relativeGrowth)} of its ${formatAmount(evidence.peak, evidence.kind)}) over the run, below ${formatAmount(evidence.growthThreshold, evidence.kind)}`,
      };
    }
    if (
      evidence.steps < evidence.options.minimumRises &&
      evidence.growthUpperBound < evidence.materialThreshold
    ) {
      return {
        verdict: 'stable',
        reason: `increasing (p = ${formatP(evidence.pValue)}) by ${formatAmount(evidence.growth, evidence.kind)} but in only ${evidence.steps} rise(s), fewer than the ${evidence.options.minimumRises} of a steady rise, and at most ${formatAmount(evidence.growthUpperBound, evidence.kind)} over the run, below ${formatAmount(evidence.materialThreshold, evidence.kind)}: a pool or a cache filling, not a leak`,
      };
    }
    return undefined;
  },
};

const stepLimit: VerdictRule = {
  name: 'step-limit',
  decide: (evidence) => {
    const limit = evidence.options.maximumPlateauSteps;
    const rise = Math.max(...evidence.y) - (evidence.y[0] ?? 0);
    if (evidence.steps <= limit || rise < evidence.growthThreshold) return undefined;
    return {
      verdict: 'growing',
      reason: `rose by ${formatAmount(rise, evidence.kind)} in ${evidence.steps} steps after warm-up, more than the ${limit} a high-water mark of this structure takes`,
    };
  },
};

const plateau: VerdictRule = {
  name: 'plateau',
  decide: (evidence) => {
    const coversLatePart = evidence.finalFlatSamples >= evidence.lateSamples;
    const pastRhythm = evidence.finalFlatSpan >= PLATEAU_RHYTHM * evidence.longestStepInterval;
    // A noisy leak can go a while without a new high, but its late part still spreads and
    // keeps the run's slope; a plateau's late part is tight (or, if noisy, has lost the slope).
    const lateTrendGone =
      evidence.lateRange <= evidence.flatTolerance ||
      evidence.lateSlope < evidence.options.persistenceFraction * (evidence.theilSen?.slope ?? 0);
    if (!coversLatePart || !pastRhythm || !lateTrendGone) return undefined;
    const steps = evidence.steps === 1 ? '1 step' : `${evidence.steps} steps`;
    return {
      verdict: 'stable',
      reason: `rose in ${steps} then made no new high (beyond ${formatAmount(evidence.flatTolerance, evidence.kind)}) for the last ${evidence.finalFlatSamples} samples, longer than the steps' rhythm: a live high-water mark, not a leak`,
    };
  },
};

const persistence: VerdictRule = {
  name: 'persistence',
  decide: (evidence) => {
    const ratio =
      evidence.theilSen && evidence.theilSen.slope > 0 ? evidence.lateSlope / evidence.theilSen.slope : 0;
    const grew = `increasing (p = ${formatP(evidence.pValue)}) by ${formatAmount(evidence.growth, evidence.kind)} (${percent(evidence.relativeGrowth)} of its size) over the run`;
    if (ratio >= evidence.options.persistenceFraction) {
      return {
        verdict: 'growing',
        reason: `${grew}, and still growing in the last ${evidence.lateSamples} samples (${percent(ratio)} of the run's slope)`,
      };
    }
    const onRhythm = evidence.finalFlatSpan < PLATEAU_RHYTHM * evidence.longestStepInterval;
    if (evidence.steps >= MINIMUM_STAIRCASE_STEPS && onRhythm) {
      return {
        verdict: 'growing',
        reason: `${grew} in ${evidence.steps} steps; the last flat stretch (${evidence.finalFlatSamples} samples) is within the rhythm of the earlier steps, as when an array grows by capacity`,
      };
    }
    const slowed = `grew by ${formatAmount(evidence.growth, evidence.kind)} (p = ${formatP(evidence.pValue)}) but the last ${evidence.lateSamples} samples grew at only ${percent(Math.max(0, ratio))} of the run's slope`;
    if (evidence.growthUpperBound < evidence.materialThreshold) {
      return {
        verdict: 'stable',
        reason: `${slowed}, and even at its upper bound it grows by ${formatAmount(evidence.growthUpperBound, evidence.kind)} over the run, below ${formatAmount(evidence.materialThreshold, evidence.kind)}: settling`,
      };
    }
    return {
      verdict: 'inconclusive',
      reason: `${slowed}: settling or a slow leak; ${moreSamplesText(evidence)}`,
    };
  },
};

/** The rules in the order they are asked. */
export const verdictRules: readonly VerdictRule[] = [
  enoughSamples,
  noChange,
  // Only with a scenario's knowledge of its structure (maximumPlateauSteps); passes otherwise.
  stepLimit,
  trendTest,
  bounded,
  // Before significance: a one-off step then flat (a late compile, a lazily made table) is
  // stable whether or not the few samples make it significant.
  plateau,
  // Before significance and persistence: a series that falls back, or an exact count at its
  // cap, is stable whether or not its trend is significant.
  capped,
  significance,
  magnitude,
  persistence,
];

/** Drops warm-up and computes every statistic the rules use. */
export function gatherEvidence(series: MeasuredSeries, options: VerdictOptions = {}): SeriesEvidence {
  checkSeries(series);
  const kind = options.kind ?? 'bytes';
  const resolved: SeriesEvidence['options'] = {
    kind,
    alpha: options.alpha ?? DEFAULT_ALPHA,
    minimumSamples: options.minimumSamples ?? MINIMUM_SAMPLES,
    warmupSamples: options.warmupSamples ?? defaultWarmupSamples(series.x.length),
    absoluteFloor: options.absoluteFloor ?? ABSOLUTE_GROWTH_FLOOR[kind],
    relativeFloor: options.relativeFloor ?? RELATIVE_GROWTH_FLOOR,
    materialFloor: options.materialFloor ?? options.absoluteFloor ?? ABSOLUTE_GROWTH_FLOOR[kind],
    minimumRises: options.minimumRises ?? 0,
    plateauFlatness: options.plateauFlatness ?? PLATEAU_FLATNESS,
    persistenceFraction: options.persistenceFraction ?? PERSISTENCE_FRACTION,
    maximumPlateauSteps: options.maximumPlateauSteps ?? Number.POSITIVE_INFINITY,
  };
  const warmupDiscarded = Math.min(resolved.warmupSamples, series.x.length);
  const x = series.x.slice(warmupDiscarded);
  const y = series.y.slice(warmupDiscarded);
  const elapsedMs = series.elapsedMs.slice(warmupDiscarded);
  const samples = x.length;
  const test = samples >= 2 ? mannKendall(y) : undefined;
  const trend = samples >= 2 ? theilSen(x, y, SLOPE_CONFIDENCE_LEVEL) : undefined;
  const span = samples >= 2 ? x[samples - 1]! - x[0]! : 0;
  const growth = trend ? trend.slope * span : 0;
  const peak = samples > 0 ? Math.max(...y) : 0;
  const lateSamples = Math.min(
    samples,
    Math.max(MINIMUM_LATE_SAMPLES, Math.ceil(samples * LATE_PART_FRACTION)),
  );
  const lateX = x.slice(samples - lateSamples);
  const lateY = y.slice(samples - lateSamples);
  const lateSlope = lateSamples >= 2 ? theilSen(lateX, lateY).slope : 0;
  const rise = samples > 0 ? peak - Math.min(...y) : 0;
  const tolerance = resolved.plateauFlatness * rise;
  const staircase = describeStaircase(x, y, tolerance);
  return {
    kind,
    xUnit: series.xUnit,
    samples,
    warmupDiscarded,
    x,
    y,
    elapsedMs,
    mannKendall: test,
    pValue: options.adjustedPValue ?? test?.pValue ?? 1,
    theilSen: trend,
    span,
    growth,
    growthUpperBound: trend ? trend.upperSlope * span : 0,
    peak,
    relativeGrowth: peak > 0 ? growth / peak : growth > 0 ? 1 : 0,
    growthThreshold: Math.max(resolved.absoluteFloor, resolved.relativeFloor * Math.abs(peak)),
    materialThreshold: Math.max(
      resolved.materialFloor,
      resolved.absoluteFloor,
      resolved.relativeFloor * Math.abs(peak),
    ),
    lateSamples,
    lateSlope,
    lateRange: lateY.length > 0 ? Math.max(...lateY) - Math.min(...lateY) : 0,
    flatTolerance: tolerance,
    ...staircase,
    slopePerHour: slopePerHour(series.xUnit, y, elapsedMs, trend),
    slopePer1000Iterations: series.xUnit === 'iteration' && trend ? trend.slope * 1000 : null,
    options: resolved,
  };
}

/**
 * The staircase view of a series: its high-water marks. A step is a value above the level of
 * the previous step by more than the tolerance; the final flat stretch runs from the last step
 * to the end (values may sink or creep within the tolerance); the rhythm is the longest
 * interval between the steps.
 */
function describeStaircase(
  x: number[],
  y: number[],
  tolerance: number,
): { steps: number; finalFlatSamples: number; finalFlatSpan: number; longestStepInterval: number } {
  const samples = y.length;
  if (samples === 0) return { steps: 0, finalFlatSamples: 0, finalFlatSpan: 0, longestStepInterval: 0 };
  const rises: number[] = [];
  let level = y[0]!;
  for (let i = 1; i < samples; i++) {
    if (y[i]! > level + tolerance) {
      rises.push(i);
      level = y[i]!;
    }
  }
  const flatStart = rises.at(-1) ?? 0;
  // No step: no staircase. One step: a one-off (lazy initialization, a compile), not a rhythm.
  let longestStepInterval = rises.length === 0 ? x[samples - 1]! - x[0]! : 0;
  for (let i = 1; i < rises.length; i++) {
    longestStepInterval = Math.max(longestStepInterval, x[rises[i]!]! - x[rises[i - 1]!]!);
  }
  return {
    steps: rises.length,
    finalFlatSamples: samples - flatStart,
    finalFlatSpan: x[samples - 1]! - x[flatStart]!,
    longestStepInterval,
  };
}

/** Asks the rules in order; the first that decides gives the verdict. */
export function decide(
  evidence: SeriesEvidence,
  rules: readonly VerdictRule[] = verdictRules,
): SeriesVerdict {
  for (const rule of rules) {
    const decision = rule.decide(evidence);
    if (decision) return toVerdict(evidence, rule.name, decision);
  }
  return toVerdict(evidence, 'none', { verdict: 'inconclusive', reason: 'no rule decided' });
}

/** The verdict on one series: growing, stable or inconclusive, with the deciding rule and its reason. */
export function judgeSeries(series: MeasuredSeries, options: VerdictOptions = {}): SeriesVerdict {
  return decide(gatherEvidence(series, options));
}

function toVerdict(evidence: SeriesEvidence, decidedBy: string, decision: RuleDecision): SeriesVerdict {
  const trend = evidence.theilSen;
  return {
    verdict: decision.verdict,
    decidedBy,
    reason: decision.reason,
    kind: evidence.kind,
    xUnit: evidence.xUnit,
    samples: evidence.samples,
    warmupDiscarded: evidence.warmupDiscarded,
    slope: trend?.slope ?? 0,
    slopeInterval: [trend?.lowerSlope ?? 0, trend?.upperSlope ?? 0],
    slopePerHour: evidence.slopePerHour,
    slopePer1000Iterations: evidence.slopePer1000Iterations,
    growth: evidence.growth,
    relativeGrowth: evidence.relativeGrowth,
    lateSlope: evidence.lateSlope,
    pValue: evidence.pValue,
    trendTestPValue: evidence.mannKendall?.pValue ?? 1,
    confidence: 1 - evidence.pValue,
    tau: evidence.mannKendall?.tau ?? 0,
    mannKendallS: evidence.mannKendall?.s ?? 0,
    alpha: evidence.options.alpha,
  };
}

/** Warm-up samples dropped from a series of `count` by default. */
export function defaultWarmupSamples(count: number): number {
  return Math.max(MINIMUM_WARMUP_SAMPLES, Math.ceil(count * WARMUP_FRACTION));
}

function slopePerHour(
  xUnit: XUnit,
  y: number[],
  elapsedMs: number[],
  trend: TheilSenResult | undefined,
): number {
  if (!trend) return 0;
  if (xUnit === 'ms') return trend.slope * MILLISECONDS_PER_HOUR;
  const distinctTimes = new Set(elapsedMs).size;
  if (distinctTimes < 2) return 0;
  // Iteration series: the per-hour slope is measured against wall time, not converted.
  return theilSen(elapsedMs, y).slope * MILLISECONDS_PER_HOUR;
}

function checkSeries(series: MeasuredSeries): void {
  const { x, y, elapsedMs } = series;
  if (y.length !== x.length || elapsedMs.length !== x.length) {
    throw new RangeError(
      `series lengths differ: x ${x.length}, y ${y.length}, elapsedMs ${elapsedMs.length}`,
    );
  }
  for (let i = 1; i < x.length; i++) {
    if (!(x[i]! > x[i - 1]!))
      throw new RangeError(`series x must increase, but x[${i}] = ${x[i]} after ${x[i - 1]}`);
  }
  for (const value of y) if (!Number.isFinite(value)) throw new RangeError(`series y holds ${value}`);
}

function formatP(p: number): string {
  if (p < 0.0001) return p.toExponential(1);
  return p.toFixed(4);
}

function percent(value: number): string {
  return `${(value * 100).toFixed(value < 0.1 ? 1 : 0)} %`;
}

export function formatAmount(value: number, kind: MetricKind): string {
  return kind === 'count' ? formatCount(Math.round(value)) : formatBytes(value);
}
