// Named tracks: structures the user or scenario asked about by name — path queries resolved
// over the structure keys (summed), or measurements computed elsewhere (the query engine) —
// each judged on its own at α, because the user asked about each of them.

import { METRICS, type MetricName, type SampleStore } from './sample-store.js';
import { type MetricResult, type SeriesBuilder, worstVerdict } from './series.js';
import type { StructureKeys } from './structure-keys.js';
import { decide, type SeriesVerdict } from './verdict.js';

/** A measurement of a named track made elsewhere (e.g. by the path-query engine) for one snapshot. */
export interface NamedTrackMeasurement {
  name: string;
  selfSize: number;
  edgeCount: number;
  retainedSize?: number;
  count?: number;
}

export interface NamedTrackResult {
  name: string;
  /** The query, for tracks resolved from structure keys; undefined for measurements given directly. */
  query: string | undefined;
  /** Keys the query matched (summed), for query tracks. */
  keys: number[];
  verdict: SeriesVerdict['verdict'];
  metrics: MetricResult[];
}

/** Tracks resolved from path queries over the keys, every match summed per sample. */
export function queryTracks(
  queries: ReadonlyMap<string, string>,
  keys: StructureKeys,
  store: SampleStore,
  builder: SeriesBuilder,
): NamedTrackResult[] {
  const results: NamedTrackResult[] = [];
  for (const [name, query] of queries) {
    const matched = keys.find(query);
    const rows = store.seriesOf(matched);
    const sums = Object.fromEntries(
      METRICS.map((metric) => [
        metric,
        builder.samples.map((_, sample) => rows[metric].reduce((sum, row) => sum + row[sample]!, 0)),
      ]),
    ) as Record<MetricName, number[]>;
    const metrics = judgeNamed(builder, sums, store.hasRetainedSizes, true);
    results.push({ name, query, keys: matched, verdict: verdictOf(metrics), metrics });
  }
  return results;
}

/** Tracks whose measurements were given per snapshot; judged over the snapshots both measured and given. */
export function givenTracks(
  measurements: ReadonlyMap<string, ReadonlyMap<number, NamedTrackMeasurement>>,
  builder: SeriesBuilder,
): NamedTrackResult[] {
  const results: NamedTrackResult[] = [];
  for (const [name, bySnapshot] of measurements) {
    // A missing value is unknown, not 0.
    const samples = builder.samples.filter((sample) => bySnapshot.has(sample.snapshotIndex));
    const values = samples.map((sample) => bySnapshot.get(sample.snapshotIndex)!);
    const hasRetained = values.length > 0 && values.every((value) => value.retainedSize !== undefined);
    const hasCount = values.length > 0 && values.every((value) => value.count !== undefined);
    const sums: Record<MetricName, number[]> = {
      selfSize: values.map((value) => value.selfSize),
      edgeCount: values.map((value) => value.edgeCount),
      retainedSize: values.map((value) => value.retainedSize ?? 0),
      count: values.map((value) => value.count ?? 0),
    };
    const metrics = judgeNamed(builder.over(samples), sums, hasRetained, hasCount);
    results.push({ name, query: undefined, keys: [], verdict: verdictOf(metrics), metrics });
  }
  return results;
}

function judgeNamed(
  builder: SeriesBuilder,
  sums: Record<MetricName, number[]>,
  hasRetained: boolean,
  hasCount: boolean,
): MetricResult[] {
  const metrics: MetricResult[] = [];
  for (const metric of METRICS) {
    if (metric === 'retainedSize' && !hasRetained) continue;
    if (metric === 'count' && !hasCount) continue;
    const verdict = decide(builder.evidence(sums[metric], metric));
    metrics.push({ metric, series: sums[metric], verdict });
  }
  return metrics;
}

function verdictOf(metrics: MetricResult[]): SeriesVerdict['verdict'] {
  return worstVerdict(metrics.map((metric) => metric.verdict.verdict));
}
