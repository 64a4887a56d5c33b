// The verdict of a leak test: src/growth's series verdict over the exact net change of the
// live object count since warm-up, with x in calls, refined by one rule specific to
// tests: a leak must still retain at least half an object per call in the last batches.

import { judgeSeries, type SeriesVerdict, theilSen, type Verdict } from '../growth/index.js';

/**
 * Objects retained per call that make a leak. Counts are exact after GC, so a function that
 * keeps one object of any class per call retains ≥ 1 per call; what else survives a batch
 * (a compiled function, a feedback vector, a runner's bookkeeping) is a handful of objects per
 * batch, a few hundredths of an object per call at the default 100 calls per batch (measured:
 * see README). Half an object per call sits between the two with a wide margin on both sides.
 */
export const PER_CALL_FLOOR = 0.5;

/** What a leak test measured: after each batch, the calls so far and what they left alive. */
export interface RetentionSeries {
  /** Calls since the starting point; the first sample is the starting point itself (0). */
  calls: number[];
  /** Live objects after a full GC, minus those at the starting point: the net growth. */
  objects: number[];
  /** The same for their total self size in bytes. */
  bytes: number[];
  /** Milliseconds since the starting point. */
  elapsedMs: number[];
}

export interface LeakVerdict {
  verdict: Verdict;
  /** The rule that decided: `per-call` or one of src/growth's series rules. */
  decidedBy: string;
  reason: string;
  /** Theil–Sen slopes over the measured batches: retained objects and bytes per call. */
  objectsPerCall: number;
  bytesPerCall: number;
  /** Objects retained per call over the last batches alone. */
  lateObjectsPerCall: number;
  /** src/growth's verdict on the object count series, before the per-call rule. */
  series: SeriesVerdict;
}

export function judgeRetention(series: RetentionSeries): LeakVerdict {
  const warmupSamples = 1;
  const span = series.calls.at(-1)! - series.calls[warmupSamples]!;
  const counted = judgeSeries(
    { x: series.calls, y: series.objects, xUnit: 'iteration', elapsedMs: series.elapsedMs },
    {
      kind: 'count',
      warmupSamples,
      // Exact counts: growth is judged per call, never against the heap's size.
      relativeFloor: 0,
      absoluteFloor: PER_CALL_FLOOR * span,
    },
  );
  const measured = series.calls.slice(warmupSamples);
  const bytesPerCall = theilSen(measured, series.bytes.slice(warmupSamples)).slope;
  const verdict: LeakVerdict = {
    verdict: counted.verdict,
    decidedBy: counted.decidedBy,
    reason: counted.reason,
    objectsPerCall: counted.slope,
    bytesPerCall,
    lateObjectsPerCall: counted.lateSlope,
    series: counted,
  };
  return perCallRule(verdict);
}

/** A growing count is a leak only while the last batches still retain objects per call. */
function perCallRule(verdict: LeakVerdict): LeakVerdict {
  if (verdict.verdict !== 'growing') return verdict;
  const floor = PER_CALL_FLOOR;
  const late = verdict.lateObjectsPerCall;
  if (late >= floor) {
    return {
      ...verdict,
      decidedBy: 'per-call',
      reason: `${formatPerCall(verdict.objectsPerCall)} objects per call stay alive (${formatPerCall(late)} in the last batches, at least ${formatPerCall(floor)} make a leak); ${verdict.reason}`,
    };
  }
  return {
    ...verdict,
    verdict: 'inconclusive',
    decidedBy: 'per-call',
    reason: `the count grew (${verdict.reason}) but the last batches kept only ${formatPerCall(late)} objects per call, under ${formatPerCall(floor)}: settling, not yet a per-call leak`,
  };
}

export function formatPerCall(value: number): string {
  return value.toFixed(Math.abs(value) < 10 ? 2 : 1);
}
