// The monitor's online verdict: a small chain of named rules over irregularly spaced points
// (Mann–Kendall for a trend, Theil–Sen for the slope per hour, the same statistics as runs),
// each deciding or passing, so every event says which rule decided. The trend is judged on
// the heap's floor: the lowest reading after a GC in each interval, taken as a lower envelope
// (the least seen from that interval on) so the sawtooth of garbage promoted between major
// GCs does not read as growth; only readings right after major GCs measure what is live, so
// growth must also survive them. Tested every interval: alpha is strict, growth must be large.

import { median } from 'simple-statistics';
import { formatAmount, mannKendall, theilSen } from '../growth/index.js';
import type { SeriesPoints } from './bounded-series.js';

export type OnlineVerdict = 'growing' | 'stable' | 'inconclusive';

export interface RuleSettings {
  /** Significance level of the trend test; strict because the test repeats every interval. */
  alpha: number;
  minimumSamples: number;
  minimumSpanMs: number;
  /** Growth over the window must reach max(this, relativeGrowthFloor × median heap). */
  minimumGrowthBytes: number;
  relativeGrowthFloor: number;
  /** The last third's slope must keep at least this share of the whole window's slope. */
  persistenceFraction: number;
}

export const DEFAULT_RULE_SETTINGS: RuleSettings = {
  // At 10 s intervals the test runs 360 times an hour; 0.001 keeps chance trends rare and the
  // magnitude and persistence rules (and the confirmations) must agree as well.
  alpha: 0.001,
  minimumSamples: 8,
  minimumSpanMs: 0,
  // Non-leaking services drift by a few MB after warm-up (compiled code, pools growing to
  // their working size); a leak worth waking someone for passes 2 MiB and 10 % of the heap.
  minimumGrowthBytes: 2 * 1024 * 1024,
  relativeGrowthFloor: 0.1,
  persistenceFraction: 0.25,
};

const MILLISECONDS_PER_HOUR = 3_600_000;
const LATE_PART_FRACTION = 1 / 3;
/**
 * Readings after major GCs needed before growth can be called. Each carries the garbage
 * allocated while marking ran (MBs under load: 15.2, 18.0, 18.3, 18.1 MiB measured in a
 * service that does not leak), so two of them are a threshold on two points, not a trend;
 * three let the persistence rule see a start-up level off.
 */
export const MINIMUM_MAJOR_READINGS = 3;

export interface OnlineEvidence {
  samples: number;
  spanMs: number;
  pValue: number;
  /** Mann–Kendall S: positive for an upward trend. */
  s: number;
  slopeBytesPerHour: number;
  /** Upper and lower bound of the slope (95 %), bytes per hour. */
  slopeInterval: [number, number];
  growth: number;
  growthThreshold: number;
  medianHeap: number;
  /** Readings right after major GCs within the judged span: how many, their Theil–Sen growth over the span, */
  majorReadings: number;
  majorRise: number;
  /** their slope, and the slope of their latest third (at least two readings). */
  majorSlopeBytesPerHour: number;
  lateMajorSlopeBytesPerHour: number;
  settings: RuleSettings;
}

export interface OnlineDecision {
  verdict: OnlineVerdict;
  rule: string;
  reason: string;
}

export interface OnlineRule {
  name: string;
  decide(evidence: OnlineEvidence): Omit<OnlineDecision, 'rule'> | undefined;
}

const enoughSamples: OnlineRule = {
  name: 'enough-samples',
  decide: (evidence) =>
    evidence.samples < evidence.settings.minimumSamples
      ? {
          verdict: 'inconclusive',
          reason: `${evidence.samples} intervals with a GC since warm-up; ${evidence.settings.minimumSamples} are needed`,
        }
      : undefined,
};

const enoughTime: OnlineRule = {
  name: 'enough-time',
  decide: (evidence) =>
    evidence.spanMs < evidence.settings.minimumSpanMs
      ? {
          verdict: 'inconclusive',
          reason: `the readings span ${seconds(evidence.spanMs)}; ${seconds(evidence.settings.minimumSpanMs)} are needed`,
        }
      : undefined,
};

const trendTest: OnlineRule = {
  name: 'trend-test',
  decide: (evidence) =>
    evidence.s > 0 && evidence.pValue < evidence.settings.alpha
      ? undefined
      : {
          verdict: 'stable',
          reason: `no significant upward trend in heap used after GC (Mann–Kendall S = ${evidence.s}, p = ${formatP(evidence.pValue)}, alpha ${evidence.settings.alpha})`,
        },
};

const magnitude: OnlineRule = {
  name: 'magnitude',
  decide: (evidence) =>
    evidence.growth < evidence.growthThreshold
      ? {
          verdict: 'stable',
          reason: `an upward trend (p = ${formatP(evidence.pValue)}) of only ${formatBytes(evidence.growth)} over ${seconds(evidence.spanMs)}, below ${formatBytes(evidence.growthThreshold)}`,
        }
      : undefined,
};

/**
 * A leak keeps adding to what survives each major GC; a start-up (caches filling, code being
 * compiled) or a working set reaching its size stops. Judged on the readings after major GCs,
 * the only ones that measure live memory: the latest third must keep a share of the slope.
 */
const persistence: OnlineRule = {
  name: 'persistence',
  decide: (evidence) => {
    if (evidence.majorSlopeBytesPerHour <= 0) return undefined;
    const ratio = evidence.lateMajorSlopeBytesPerHour / evidence.majorSlopeBytesPerHour;
    // Slowing is settling only while the late pace, kept up over the judged span, would stay
    // under the magnitude threshold: a leak nearing the heap limit slows too (GC thrashes),
    // and a 4 GB leak was once cleared here at 24 % of its earlier pace.
    const lateGrowth = (evidence.lateMajorSlopeBytesPerHour * evidence.spanMs) / MILLISECONDS_PER_HOUR;
    return ratio < evidence.settings.persistenceFraction && lateGrowth < evidence.growthThreshold
      ? {
          verdict: 'inconclusive',
          reason: `grew by ${formatBytes(evidence.majorRise)} across ${evidence.majorReadings} major GCs, but the latest grow at ${percent(Math.max(0, ratio))} of that pace: settling (a start-up, a cache reaching its size) or slowing`,
        }
      : undefined;
  },
};

/**
 * Between major GCs the floor also rises with promoted garbage (a sawtooth that a major GC
 * resets); only a rise that survives full collections is memory that stays live.
 */
const survivesFullGc: OnlineRule = {
  name: 'survives-full-gc',
  decide: (evidence) => {
    if (evidence.majorReadings < MINIMUM_MAJOR_READINGS) {
      return {
        verdict: 'inconclusive',
        reason: `the heap's floor grows ${formatBytes(evidence.slopeBytesPerHour)}/h, but ${evidence.majorReadings} major GC${evidence.majorReadings === 1 ? '' : 's'} in the window (${MINIMUM_MAJOR_READINGS} needed) cannot tell live memory from garbage awaiting collection`,
      };
    }
    if (evidence.majorRise < evidence.growthThreshold) {
      return {
        verdict: 'stable',
        reason: `the heap's floor rose, but readings right after major GCs grew by only ${formatBytes(evidence.majorRise)} (Theil–Sen over ${evidence.majorReadings} major GCs): garbage awaiting collection, not live growth`,
      };
    }
    return undefined;
  },
};

const persistentGrowth: OnlineRule = {
  name: 'persistent-growth',
  decide: (evidence) => ({
    verdict: 'growing',
    reason: `heap used after GC grows ${formatBytes(evidence.slopeBytesPerHour)}/h (p = ${formatP(evidence.pValue)}), ${formatBytes(evidence.growth)} over ${seconds(evidence.spanMs)}; ${formatBytes(evidence.majorRise)} of it survived ${evidence.majorReadings} major GCs, and it still grows`,
  }),
};

/** The rules in the order they are asked. */
export const onlineRules: readonly OnlineRule[] = [
  enoughSamples,
  enoughTime,
  trendTest,
  magnitude,
  survivesFullGc,
  persistence,
  persistentGrowth,
];

/** `floor`: the lowest after-GC reading per interval; `major`: readings right after major GCs. */
export function gatherOnlineEvidence(
  floor: SeriesPoints,
  major: SeriesPoints,
  settings: RuleSettings,
): OnlineEvidence {
  const { t } = floor;
  const y = lowerEnvelope(floor.y);
  const samples = y.length;
  const spanMs = samples >= 2 ? t[samples - 1]! - t[0]! : 0;
  const evidence: OnlineEvidence = {
    samples,
    spanMs,
    pValue: 1,
    s: 0,
    slopeBytesPerHour: 0,
    slopeInterval: [0, 0],
    growth: 0,
    growthThreshold: settings.minimumGrowthBytes,
    medianHeap: samples > 0 ? median([...y]) : 0,
    majorReadings: 0,
    majorRise: 0,
    majorSlopeBytesPerHour: 0,
    lateMajorSlopeBytesPerHour: 0,
    settings,
  };
  const spanStart = t[0] ?? Number.POSITIVE_INFINITY;
  const inSpan = major.t.flatMap((time, index) => (time >= spanStart ? [index] : []));
  evidence.majorReadings = inSpan.length;
  if (inSpan.length >= 2) {
    // Theil–Sen over the readings, so one reading inflated by in-flight work does not decide.
    const majorT = inSpan.map((index) => major.t[index]!);
    const majorY = inSpan.map((index) => major.y[index]!);
    const majorTrend = theilSen(majorT, majorY);
    evidence.majorRise = majorTrend.slope * (majorT.at(-1)! - majorT[0]!);
    evidence.majorSlopeBytesPerHour = majorTrend.slope * MILLISECONDS_PER_HOUR;
    const lateCount = Math.max(2, Math.ceil(inSpan.length * LATE_PART_FRACTION));
    evidence.lateMajorSlopeBytesPerHour =
      theilSen(majorT.slice(-lateCount), majorY.slice(-lateCount)).slope * MILLISECONDS_PER_HOUR;
  }
  if (samples < 3 || spanMs <= 0) return evidence;
  const test = mannKendall(y);
  const trend = theilSen(t, y);
  evidence.pValue = test.pValue;
  evidence.s = test.s;
  evidence.slopeBytesPerHour = trend.slope * MILLISECONDS_PER_HOUR;
  evidence.slopeInterval = [
    trend.lowerSlope * MILLISECONDS_PER_HOUR,
    trend.upperSlope * MILLISECONDS_PER_HOUR,
  ];
  evidence.growth = trend.slope * spanMs;
  return evidence;
}

/** Each value replaced by the least value from it to the end: the floor the heap came back to. */
export function lowerEnvelope(values: readonly number[]): number[] {
  const envelope = new Array<number>(values.length);
  let least = Number.POSITIVE_INFINITY;
  for (let i = values.length - 1; i >= 0; i--) {
    least = Math.min(least, values[i]!);
    envelope[i] = least;
  }
  return envelope;
}

export function decideOnline(
  evidence: OnlineEvidence,
  rules: readonly OnlineRule[] = onlineRules,
): OnlineDecision {
  for (const rule of rules) {
    const decision = rule.decide(evidence);
    if (decision) return { ...decision, rule: rule.name };
  }
  return { verdict: 'inconclusive', rule: 'none', reason: 'no rule decided' };
}

export function formatBytes(value: number): string {
  return formatAmount(value, 'bytes');
}

function formatP(p: number): string {
  return p < 0.0001 ? p.toExponential(1) : p.toFixed(4);
}

function percent(value: number): string {
  return `${Math.round(value * 100)} %`;
}

function seconds(ms: number): string {
  return ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`;
}
