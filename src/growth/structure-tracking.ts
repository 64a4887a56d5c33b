// Structure tracking: the verdicts of the candidate (key, metric) series gathered per
// structure, owners whose retained growth one growing structure below them explains dropped,
// and each growing structure linked to the nearest growing structure above it.

import type { Candidate } from './candidates.js';
import type { MetricName } from './sample-store.js';
import { byVerdictThenGrowth, type MetricResult, worstVerdict } from './series.js';
import { ROOT_KEY, type StructureKeys } from './structure-keys.js';
import type { SeriesVerdict } from './verdict.js';

/**
 * A retained-size candidate whose growth is at least this share explained by one growing
 * structure below it is reported as that structure, not as each of its owners up to the root.
 */
export const EXPLAINED_BY_DESCENDANT = 0.8;

export interface StructureResult {
  key: number;
  path: string;
  label: string;
  /** The worst verdict among the structure's tested metrics. */
  verdict: SeriesVerdict['verdict'];
  metrics: MetricResult[];
  /**
   * For a growing structure: the nearest growing structure above it on its path, if any. A
   * leaking Map's entries, their strings and its table all grow; reports can fold them into it.
   */
  growingOwner: number | undefined;
}

/** Verdicts per structure, growing first (largest growth first). */
export function structureResults(
  keys: StructureKeys,
  candidates: Candidate[],
  verdicts: SeriesVerdict[],
  seriesOf: (candidate: Candidate) => number[],
): StructureResult[] {
  const byKey = new Map<number, MetricResult[]>();
  candidates.forEach((candidate, index) => {
    const results = byKey.get(candidate.key) ?? [];
    results.push({ metric: candidate.metric, series: seriesOf(candidate), verdict: verdicts[index]! });
    byKey.set(candidate.key, results);
  });
  dropExplainedOwners(keys, byKey);
  const results: StructureResult[] = [...byKey].map(([key, metrics]) => ({
    key,
    path: keys.path(key),
    label: keys.label(key),
    verdict: worstVerdict(metrics.map((metric) => metric.verdict.verdict)),
    metrics,
    growingOwner: undefined,
  }));
  const growingKeys = new Set(
    results.filter((result) => result.verdict === 'growing').map((result) => result.key),
  );
  for (const result of results) {
    if (result.verdict !== 'growing') continue;
    for (let owner = keys.parentOf(result.key); owner > ROOT_KEY; owner = keys.parentOf(owner)) {
      if (growingKeys.has(owner)) {
        result.growingOwner = owner;
        break;
      }
    }
  }
  return results.sort(byVerdictThenGrowth);
}

/**
 * A leak's retained size grows in every owner up to the root. A growing retained-size
 * result is dropped when a growing structure below it accounts for most of its growth.
 */
function dropExplainedOwners(keys: StructureKeys, byKey: Map<number, MetricResult[]>): void {
  const retainedGrowth = new Map<number, number>();
  for (const [key, metrics] of byKey) {
    const retained = metrics.find((metric) => metric.metric === ('retainedSize' satisfies MetricName));
    if (retained?.verdict.verdict === 'growing') retainedGrowth.set(key, retained.verdict.growth);
  }
  const explained = new Set<number>();
  for (const [key, growth] of retainedGrowth) {
    for (let owner = keys.parentOf(key); owner > ROOT_KEY; owner = keys.parentOf(owner)) {
      const ownerGrowth = retainedGrowth.get(owner);
      if (ownerGrowth !== undefined && growth >= EXPLAINED_BY_DESCENDANT * ownerGrowth) explained.add(owner);
    }
  }
  for (const owner of explained) {
    const metrics = byKey.get(owner)!.filter((metric) => metric.metric !== 'retainedSize');
    if (metrics.length === 0) byKey.delete(owner);
    else byKey.set(owner, metrics);
  }
}
