// Materiality of undecided counts. Counts of objects and entries are the sensitive detectors
// of a leak, but memory is what a leak costs: when a structure's count shows no significant
// trend yet cannot be bounded below its floor, the structure's own bytes say whether it matters.

import type { Candidate } from './candidates.js';
import type { MetricName } from './sample-store.js';
import { METRIC_KINDS } from './series.js';
import { type SeriesVerdict, trendTestText } from './verdict.js';

/** The rule's name, as reports show it beside the verdict. */
export const IMMATERIAL_COUNT_RULE = 'immaterial-count';

/**
 * Settles undecided counts by the same structure's bytes. The objects of a structure hold its
 * edges in their own slots, so its self size bounds what its object and entry counts can
 * add: a count that wobbles without a trend while those bytes are stable by their own rules
 * is data changing place or shape (requests in flight taking the shortest path to a cached
 * key, strings switching representation, a table refilling its holes), and growth it cannot
 * exclude stays within memory that does not grow. Only counts undecided for want of a
 * significant trend are settled; a significant rise that slowed down still needs a longer run.
 * `bytesVerdictOf` judges the structure's self size (the tested candidate's verdict if any).
 */
export function settleImmaterialCounts(
  candidates: readonly Candidate[],
  verdicts: readonly SeriesVerdict[],
  bytesVerdictOf: (key: number) => SeriesVerdict,
): SeriesVerdict[] {
  const testedBytes = new Map<number, SeriesVerdict>();
  candidates.forEach((candidate, index) => {
    if (candidate.metric === ('selfSize' satisfies MetricName))
      testedBytes.set(candidate.key, verdicts[index]!);
  });
  return verdicts.map((verdict, index) => {
    const candidate = candidates[index]!;
    if (!isUndecidedCount(candidate.metric, verdict)) return verdict;
    const bytes = testedBytes.get(candidate.key) ?? bytesVerdictOf(candidate.key);
    if (bytes.verdict !== 'stable') return verdict;
    return {
      ...verdict,
      verdict: 'stable',
      decidedBy: IMMATERIAL_COUNT_RULE,
      reason: `no significant trend (${trendTestText(verdict)}); what it cannot exclude lives in the structure's own memory, which is stable (${bytes.decidedBy}: ${bytes.reason})`,
    };
  });
}

function isUndecidedCount(metric: MetricName, verdict: SeriesVerdict): boolean {
  return (
    METRIC_KINDS[metric] === 'count' &&
    verdict.verdict === 'inconclusive' &&
    verdict.decidedBy === 'significance'
  );
}
