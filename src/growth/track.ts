// Tracks structures across the snapshots of a run and judges them: picks the few candidates
// worth a test out of every path key, gives each candidate metric a verdict (with a
// false-discovery-rate correction across them), ranks the growing ones, and adds named tracks
// (path queries, or measurements computed elsewhere) that are judged on their own.

import { benjaminiHochberg } from './multiple-testing.js';
import { METRICS, type MetricArrays, type MetricName, SampleStore } from './sample-store.js';
import { ROOT_KEY, StructureKeys } from './structure-keys.js';
import type { StructureMeasurements } from './structures.js';
import {
  ABSOLUTE_GROWTH_FLOOR,
  decide,
  defaultWarmupSamples,
  gatherEvidence,
  type MetricKind,
  RELATIVE_GROWTH_FLOOR,
  type SeriesVerdict,
  type VerdictOptions,
  type XUnit,
} from './verdict.js';

export const METRIC_KINDS: Record<MetricName, MetricKind> = {
  selfSize: 'bytes',
  edgeCount: 'count',
  retainedSize: 'bytes',
  count: 'count',
};

/** Candidates per metric: the statistics are cheap, but each test costs false-discovery budget. */
export const MAXIMUM_CANDIDATES_PER_METRIC = 50;
/**
 * A retained-size candidate whose growth is at least this share explained by one growing
 * structure below it is reported as that structure, not as each of its owners up to the root.
 */
export const EXPLAINED_BY_DESCENDANT = 0.8;

/** A measurement of a named track made elsewhere (e.g. by the path-query engine) for one snapshot. */
export interface NamedTrackMeasurement {
  name: string;
  selfSize: number;
  edgeCount: number;
  retainedSize?: number;
  count?: number;
}

export interface TrackerOptions {
  xUnit: XUnit;
  /** Key registry to share with `measureStructures`; a new one by default. */
  keys?: StructureKeys;
  verdict?: Omit<VerdictOptions, 'kind' | 'adjustedPValue'>;
  maximumCandidatesPerMetric?: number;
}

export interface MetricResult {
  metric: MetricName;
  series: number[];
  verdict: SeriesVerdict;
}

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

export interface NamedTrackResult {
  name: string;
  /** The query, for tracks resolved from structure keys; undefined for measurements given directly. */
  query: string | undefined;
  /** Keys the query matched (summed), for query tracks. */
  keys: number[];
  verdict: SeriesVerdict['verdict'];
  metrics: MetricResult[];
}

export type RunVerdict = 'leak' | 'no-leak' | 'inconclusive';

export interface GrowthReport {
  verdict: RunVerdict;
  reason: string;
  samples: number;
  xUnit: XUnit;
  x: number[];
  elapsedMs: number[];
  /** Candidate (structure, metric) series tested. */
  testedSeries: number;
  /** Growing structures first (largest growth first), then the other tested ones. */
  structures: StructureResult[];
  namedTracks: NamedTrackResult[];
}

interface TrackSample {
  snapshotIndex: number;
  x: number;
  elapsedMs: number;
}

export class SeriesTracker {
  readonly keys: StructureKeys;
  readonly #options: TrackerOptions;
  readonly #store = new SampleStore();
  readonly #samples: TrackSample[] = [];
  readonly #queries = new Map<string, string>();
  readonly #namedMeasurements = new Map<string, Map<number, NamedTrackMeasurement>>();

  constructor(options: TrackerOptions) {
    this.#options = options;
    this.keys = options.keys ?? new StructureKeys();
  }

  get sampleCount(): number {
    return this.#samples.length;
  }

  /**
   * Adds one snapshot's measurements (from `measureStructures` with this tracker's `keys`).
   * `x` is the iteration count or elapsed ms, increasing; `elapsedMs` defaults to `x` for
   * time series and is needed for the per-hour slope of iteration series.
   */
  add(snapshotIndex: number, x: number, measurements: StructureMeasurements, elapsedMs?: number): void {
    const last = this.#samples.at(-1);
    if (last && !(x > last.x))
      throw new RangeError(`snapshot ${snapshotIndex}: x ${x} does not follow ${last.x}`);
    if (last && snapshotIndex <= last.snapshotIndex) {
      throw new RangeError(`snapshot ${snapshotIndex} added after snapshot ${last.snapshotIndex}`);
    }
    const elapsed = elapsedMs ?? (this.#options.xUnit === 'ms' ? x : Number.NaN);
    this.#store.add(snapshotIndex, x, elapsed, measurements);
    this.#samples.push({ snapshotIndex, x, elapsedMs: elapsed });
  }

  /** Tracks the structures matching a path query (`NativeContext > retained_maps`), summed, under `name`. */
  trackQuery(name: string, query: string): void {
    this.#queries.set(name, query);
  }

  /** Accepts a named track's measurement for one snapshot, computed elsewhere. */
  addNamedMeasurement(snapshotIndex: number, measurement: NamedTrackMeasurement): void {
    let bySnapshot = this.#namedMeasurements.get(measurement.name);
    if (!bySnapshot) {
      bySnapshot = new Map();
      this.#namedMeasurements.set(measurement.name, bySnapshot);
    }
    bySnapshot.set(snapshotIndex, measurement);
  }

  /** The value series of one key and metric, one value per sample (0 where the key was absent). */
  seriesOf(key: number, metric: MetricName): number[] {
    return this.#store.seriesOf([key])[metric][0]!;
  }

  analyze(): GrowthReport {
    const x = this.#samples.map((sample) => sample.x);
    const elapsedMs = this.#samples.map((sample) => sample.elapsedMs);
    const candidates = this.#selectCandidates();
    const candidateKeys = [...new Set(candidates.map((candidate) => candidate.key))];
    const series = this.#store.seriesOf(candidateKeys);
    const rowOf = new Map(candidateKeys.map((key, row) => [key, row]));
    const evidence = candidates.map((candidate) =>
      gatherEvidence(this.#measured(series[candidate.metric][rowOf.get(candidate.key)!]!), {
        ...this.#options.verdict,
        kind: METRIC_KINDS[candidate.metric],
      }),
    );
    const adjusted = benjaminiHochberg(evidence.map((item) => item.pValue));
    const verdicts = evidence.map((item, index) => decide({ ...item, pValue: adjusted[index]! }));
    const structures = this.#structureResults(candidates, verdicts, series, rowOf);
    const namedTracks = [...this.#queryTracks(), ...this.#givenTracks()];
    const { verdict, reason } = runVerdict(structures, namedTracks, this.#samples.length);
    return {
      verdict,
      reason,
      samples: this.#samples.length,
      xUnit: this.#options.xUnit,
      x,
      elapsedMs,
      testedSeries: candidates.length,
      structures,
      namedTracks,
    };
  }

  #measured(y: number[]) {
    return {
      x: this.#samples.map((sample) => sample.x),
      y,
      xUnit: this.#options.xUnit,
      elapsedMs: this.#samples.map((sample) => sample.elapsedMs),
    };
  }

  /**
   * The (key, metric) pairs worth a test: grown from the first sample after warm-up to the
   * last by at least the verdict's floors, the largest growths first, at most N per metric.
   * A structure must grow between those two points to grow by the rules, so this loses none.
   */
  #selectCandidates(): { key: number; metric: MetricName }[] {
    const sampleCount = this.#samples.length;
    if (sampleCount < 2) return [];
    const warmup = this.#options.verdict?.warmupSamples ?? defaultWarmupSamples(sampleCount);
    const baseIndex = Math.min(warmup, sampleCount - 1);
    let base: MetricArrays | undefined;
    let last: MetricArrays | undefined;
    this.#store.replay((sampleIndex, state) => {
      if (sampleIndex === baseIndex) base = copyArrays(state);
      if (sampleIndex === sampleCount - 1) last = state;
    });
    const limit = this.#options.maximumCandidatesPerMetric ?? MAXIMUM_CANDIDATES_PER_METRIC;
    const relativeFloor = this.#options.verdict?.relativeFloor ?? RELATIVE_GROWTH_FLOOR;
    const candidates: { key: number; metric: MetricName }[] = [];
    for (const metric of METRICS) {
      if (metric === 'retainedSize' && !this.#store.hasRetainedSizes) continue;
      const absoluteFloor =
        this.#options.verdict?.absoluteFloor ?? ABSOLUTE_GROWTH_FLOOR[METRIC_KINDS[metric]];
      const growing: { key: number; growth: number }[] = [];
      const before = base![metric];
      const after = last![metric];
      for (let key = ROOT_KEY + 1; key < after.length; key++) {
        const growth = after[key]! - (before[key] ?? 0);
        if (growth >= absoluteFloor && growth >= relativeFloor * after[key]!) growing.push({ key, growth });
      }
      growing.sort((a, b) => b.growth - a.growth);
      for (const { key } of growing.slice(0, limit)) candidates.push({ key, metric });
    }
    return candidates;
  }

  #structureResults(
    candidates: { key: number; metric: MetricName }[],
    verdicts: SeriesVerdict[],
    series: Record<MetricName, number[][]>,
    rowOf: Map<number, number>,
  ): StructureResult[] {
    const byKey = new Map<number, MetricResult[]>();
    candidates.forEach((candidate, index) => {
      const results = byKey.get(candidate.key) ?? [];
      results.push({
        metric: candidate.metric,
        series: series[candidate.metric][rowOf.get(candidate.key)!]!,
        verdict: verdicts[index]!,
      });
      byKey.set(candidate.key, results);
    });
    this.#dropExplainedOwners(byKey);
    const results: StructureResult[] = [...byKey].map(([key, metrics]) => ({
      key,
      path: this.keys.path(key),
      label: this.keys.label(key),
      verdict: worstVerdict(metrics.map((metric) => metric.verdict.verdict)),
      metrics,
      growingOwner: undefined,
    }));
    const growingKeys = new Set(
      results.filter((result) => result.verdict === 'growing').map((result) => result.key),
    );
    for (const result of results) {
      if (result.verdict !== 'growing') continue;
      for (let owner = this.keys.parentOf(result.key); owner > ROOT_KEY; owner = this.keys.parentOf(owner)) {
        if (growingKeys.has(owner)) {
          result.growingOwner = owner;
          break;
        }
      }
    }
    return results.sort(
      (a, b) => verdictRank(b.verdict) - verdictRank(a.verdict) || bytesGrowth(b) - bytesGrowth(a),
    );
  }

  /**
   * A leak's retained size grows in every owner up to the root. A growing retained-size
   * result is dropped when a growing structure below it accounts for most of its growth.
   */
  #dropExplainedOwners(byKey: Map<number, MetricResult[]>): void {
    const retainedGrowth = new Map<number, number>();
    for (const [key, metrics] of byKey) {
      const retained = metrics.find((metric) => metric.metric === 'retainedSize');
      if (retained?.verdict.verdict === 'growing') retainedGrowth.set(key, retained.verdict.growth);
    }
    for (const [key, growth] of retainedGrowth) {
      for (let owner = this.keys.parentOf(key); owner > ROOT_KEY; owner = this.keys.parentOf(owner)) {
        const ownerGrowth = retainedGrowth.get(owner);
        if (ownerGrowth === undefined || growth < EXPLAINED_BY_DESCENDANT * ownerGrowth) continue;
        const metrics = byKey.get(owner)!.filter((metric) => metric.metric !== 'retainedSize');
        if (metrics.length === 0) byKey.delete(owner);
        else byKey.set(owner, metrics);
      }
    }
  }

  #queryTracks(): NamedTrackResult[] {
    if (this.#queries.size === 0) return [];
    const results: NamedTrackResult[] = [];
    for (const [name, query] of this.#queries) {
      const keys = this.keys.find(query);
      const rows = this.#store.seriesOf(keys);
      const sums = Object.fromEntries(
        METRICS.map((metric) => [
          metric,
          this.#samples.map((_, sample) => rows[metric].reduce((sum, row) => sum + row[sample]!, 0)),
        ]),
      ) as Record<MetricName, number[]>;
      const metrics = this.#judgeNamed(sums, this.#store.hasRetainedSizes);
      results.push({
        name,
        query,
        keys,
        verdict: worstVerdict(metrics.map((m) => m.verdict.verdict)),
        metrics,
      });
    }
    return results;
  }

  #givenTracks(): NamedTrackResult[] {
    const results: NamedTrackResult[] = [];
    for (const [name, bySnapshot] of this.#namedMeasurements) {
      // Only snapshots both measured here and given for the track: a missing value is unknown, not 0.
      const samples = this.#samples.filter((sample) => bySnapshot.has(sample.snapshotIndex));
      const values = samples.map((sample) => bySnapshot.get(sample.snapshotIndex)!);
      const hasRetained = values.length > 0 && values.every((value) => value.retainedSize !== undefined);
      const hasCount = values.length > 0 && values.every((value) => value.count !== undefined);
      const sums: Record<MetricName, number[]> = {
        selfSize: values.map((value) => value.selfSize),
        edgeCount: values.map((value) => value.edgeCount),
        retainedSize: values.map((value) => value.retainedSize ?? 0),
        count: values.map((value) => value.count ?? 0),
      };
      const metrics = this.#judgeNamed(sums, hasRetained, samples, hasCount);
      results.push({
        name,
        query: undefined,
        keys: [],
        verdict: worstVerdict(metrics.map((m) => m.verdict.verdict)),
        metrics,
      });
    }
    return results;
  }

  /** Named tracks are judged one by one at α: the user asked about each of them. */
  #judgeNamed(
    sums: Record<MetricName, number[]>,
    hasRetained: boolean,
    samples: TrackSample[] = this.#samples,
    hasCount = true,
  ): MetricResult[] {
    const metrics: MetricResult[] = [];
    for (const metric of METRICS) {
      if (metric === 'retainedSize' && !hasRetained) continue;
      if (metric === 'count' && !hasCount) continue;
      const measured = {
        x: samples.map((sample) => sample.x),
        y: sums[metric],
        xUnit: this.#options.xUnit,
        elapsedMs: samples.map((sample) => sample.elapsedMs),
      };
      const verdict = decide(
        gatherEvidence(measured, { ...this.#options.verdict, kind: METRIC_KINDS[metric] }),
      );
      metrics.push({ metric, series: sums[metric], verdict });
    }
    return metrics;
  }
}

function runVerdict(
  structures: StructureResult[],
  namedTracks: NamedTrackResult[],
  samples: number,
): { verdict: RunVerdict; reason: string } {
  const growingTracks = namedTracks.filter((track) => track.verdict === 'growing');
  const growingStructures = structures.filter((structure) => structure.verdict === 'growing');
  if (growingTracks.length > 0 || growingStructures.length > 0) {
    const names = [
      ...growingTracks.map((track) => track.name),
      ...growingStructures.slice(0, 3).map((structure) => structure.label),
    ];
    const more = growingStructures.length > 3 ? ` and ${growingStructures.length - 3} more` : '';
    return { verdict: 'leak', reason: `growing: ${names.join(', ')}${more}` };
  }
  const inconclusiveTracks = namedTracks.filter((track) => track.verdict === 'inconclusive');
  const inconclusiveStructures = structures.filter((structure) => structure.verdict === 'inconclusive');
  if (inconclusiveTracks.length > 0 || inconclusiveStructures.length > 0) {
    const names = [
      ...inconclusiveTracks.map((track) => track.name),
      ...inconclusiveStructures.slice(0, 3).map((structure) => structure.label),
    ];
    return { verdict: 'inconclusive', reason: `nothing grows for sure, but undecided: ${names.join(', ')}` };
  }
  if (samples < 2) return { verdict: 'inconclusive', reason: `${samples} snapshot(s): nothing to compare` };
  return {
    verdict: 'no-leak',
    reason: `${structures.length} candidate structures and ${namedTracks.length} named tracks, all stable`,
  };
}

function worstVerdict(verdicts: SeriesVerdict['verdict'][]): SeriesVerdict['verdict'] {
  if (verdicts.includes('growing')) return 'growing';
  if (verdicts.includes('inconclusive') || verdicts.length === 0) return 'inconclusive';
  return 'stable';
}

function verdictRank(verdict: SeriesVerdict['verdict']): number {
  return verdict === 'growing' ? 2 : verdict === 'inconclusive' ? 1 : 0;
}

/** Largest byte growth among a structure's metrics, to rank structures. */
function bytesGrowth(structure: StructureResult): number {
  let largest = 0;
  for (const metric of structure.metrics) {
    if (METRIC_KINDS[metric.metric] === 'bytes') largest = Math.max(largest, metric.verdict.growth);
  }
  return largest;
}

function copyArrays(state: MetricArrays): MetricArrays {
  return {
    selfSize: state.selfSize.slice(),
    edgeCount: state.edgeCount.slice(),
    retainedSize: state.retainedSize.slice(),
    count: state.count.slice(),
  };
}
