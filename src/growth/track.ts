// Tracks structures across the snapshots of a run and judges them: picks the few candidates
// worth a test out of every path key, gives each candidate metric a verdict (with a
// false-discovery-rate correction across them), ranks the growing ones, and adds named tracks
// (path queries, or measurements computed elsewhere) that are judged on their own.

import type { ClassAggregate } from './classes.js';
import { benjaminiHochberg } from './multiple-testing.js';
import { METRICS, type MetricArrays, type MetricName, SampleStore } from './sample-store.js';
import { ROOT_KEY, StructureKeys } from './structure-keys.js';
import type { StructureMeasurements } from './structures.js';
import {
  ABSOLUTE_GROWTH_FLOOR,
  decide,
  defaultWarmupSamples,
  gatherEvidence,
  type MeasuredSeries,
  type MetricKind,
  RELATIVE_GROWTH_FLOOR,
  type SeriesEvidence,
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

/**
 * A class total sums a kind of object over the whole heap, where JIT code and feedback drift
 * by tens of KB in programs that do not leak (measured: `(compiled code)` +56 KiB over 150
 * iterations of the churn-objects control on Node 20.20.2). Class growth must clear this.
 */
export const CLASS_GROWTH_FLOOR: Record<MetricKind, number> = { bytes: 128 * 1024, count: 256 };

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

export interface ClassResult {
  className: string;
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
  /** Classes whose totals grew enough to be tested (when class aggregates were added), growing first. */
  classes: ClassResult[];
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
  readonly #classAggregates = new Map<number, ClassAggregate[]>();

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

  /**
   * Tracks the structures whose key path ends with a query (`NativeContext > retained_maps`),
   * summed, under `name`. Keys follow the shortest-path tree, so an object shared by several
   * owners counts under the first one only: e.g. an empty retained_maps is V8's shared empty
   * WeakArrayList, keyed under `Map > dependent_code`, and reads 0 here until the list first
   * grows. For exact per-edge measurements use the query engine and `addNamedMeasurement`.
   */
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

  /** Accepts one snapshot's class aggregates (`classAggregates`), to track classes too. */
  addClassAggregates(snapshotIndex: number, aggregates: ClassAggregate[]): void {
    this.#classAggregates.set(snapshotIndex, aggregates);
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
    const structureEvidence = candidates.map((candidate) =>
      this.#evidence(this.#measured(series[candidate.metric][rowOf.get(candidate.key)!]!), candidate.metric),
    );
    const classCandidates = this.#classCandidates();
    // Every automatically found candidate shares one false-discovery budget.
    const pooled = [...structureEvidence, ...classCandidates.map((candidate) => candidate.evidence)];
    const adjusted = benjaminiHochberg(pooled.map((item) => item.pValue));
    const verdicts = pooled.map((item, index) => decide({ ...item, pValue: adjusted[index]! }));
    const structures = this.#structureResults(
      candidates,
      verdicts.slice(0, candidates.length),
      series,
      rowOf,
    );
    const classes = classResults(classCandidates, verdicts.slice(candidates.length));
    const namedTracks = [...this.#queryTracks(), ...this.#givenTracks()];
    const { verdict, reason } = runVerdict(structures, classes, namedTracks, this.#samples.length);
    return {
      verdict,
      reason,
      samples: this.#samples.length,
      xUnit: this.#options.xUnit,
      x,
      elapsedMs,
      testedSeries: pooled.length,
      structures,
      classes,
      namedTracks,
    };
  }

  #evidence(series: MeasuredSeries, metric: MetricName, floors?: Record<MetricKind, number>): SeriesEvidence {
    const kind = METRIC_KINDS[metric];
    const floor = floors
      ? { absoluteFloor: Math.max(floors[kind], this.#options.verdict?.absoluteFloor ?? 0) }
      : {};
    return gatherEvidence(series, { ...this.#options.verdict, ...floor, kind });
  }

  /** Class series over the snapshots that have aggregates; the classes that grew enough, with their evidence. */
  #classCandidates(): {
    className: string;
    metric: MetricName;
    series: number[];
    evidence: SeriesEvidence;
  }[] {
    const samples = this.#samples.filter((sample) => this.#classAggregates.has(sample.snapshotIndex));
    if (samples.length < 2) return [];
    const byClass = new Map<string, Record<MetricName, number[]>>();
    samples.forEach((sample, sampleIndex) => {
      for (const aggregate of this.#classAggregates.get(sample.snapshotIndex)!) {
        let rows = byClass.get(aggregate.className);
        if (!rows) {
          rows = emptyRows(samples.length);
          byClass.set(aggregate.className, rows);
        }
        rows.count[sampleIndex] = aggregate.count;
        rows.selfSize[sampleIndex] = aggregate.selfSize;
        rows.retainedSize[sampleIndex] = aggregate.retainedSize ?? Number.NaN;
      }
    });
    const warmup = Math.min(
      this.#options.verdict?.warmupSamples ?? defaultWarmupSamples(samples.length),
      samples.length - 1,
    );
    const limit = this.#options.maximumCandidatesPerMetric ?? MAXIMUM_CANDIDATES_PER_METRIC;
    const result: { className: string; metric: MetricName; series: number[]; evidence: SeriesEvidence }[] =
      [];
    for (const metric of ['selfSize', 'retainedSize', 'count'] as const) {
      const grown: { className: string; growth: number; series: number[] }[] = [];
      for (const [className, rows] of byClass) {
        const values = rows[metric];
        if (values.some((value) => Number.isNaN(value))) continue;
        const growth = values.at(-1)! - values[warmup]!;
        if (this.#grewEnough(metric, growth, values.at(-1)!))
          grown.push({ className, growth, series: values });
      }
      grown.sort((a, b) => b.growth - a.growth);
      for (const { className, series } of grown.slice(0, limit)) {
        const measured = {
          x: samples.map((sample) => sample.x),
          y: series,
          xUnit: this.#options.xUnit,
          elapsedMs: samples.map((sample) => sample.elapsedMs),
        };
        result.push({
          className,
          metric,
          series,
          evidence: this.#evidence(measured, metric, CLASS_GROWTH_FLOOR),
        });
      }
    }
    return result;
  }

  /** The prefilter: a series can only grow by the rules if its last value exceeds its first after warm-up by the floors. */
  #grewEnough(metric: MetricName, growth: number, last: number): boolean {
    const absoluteFloor = this.#options.verdict?.absoluteFloor ?? ABSOLUTE_GROWTH_FLOOR[METRIC_KINDS[metric]];
    const relativeFloor = this.#options.verdict?.relativeFloor ?? RELATIVE_GROWTH_FLOOR;
    return growth >= absoluteFloor && growth >= relativeFloor * last;
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
    const candidates: { key: number; metric: MetricName }[] = [];
    for (const metric of METRICS) {
      if (metric === 'retainedSize' && !this.#store.hasRetainedSizes) continue;
      const growing: { key: number; growth: number }[] = [];
      const before = base![metric];
      const after = last![metric];
      for (let key = ROOT_KEY + 1; key < after.length; key++) {
        const growth = after[key]! - (before[key] ?? 0);
        if (this.#grewEnough(metric, growth, after[key]!)) growing.push({ key, growth });
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
    const explained = new Set<number>();
    for (const [key, growth] of retainedGrowth) {
      for (let owner = this.keys.parentOf(key); owner > ROOT_KEY; owner = this.keys.parentOf(owner)) {
        const ownerGrowth = retainedGrowth.get(owner);
        if (ownerGrowth !== undefined && growth >= EXPLAINED_BY_DESCENDANT * ownerGrowth)
          explained.add(owner);
      }
    }
    for (const owner of explained) {
      const metrics = byKey.get(owner)!.filter((metric) => metric.metric !== 'retainedSize');
      if (metrics.length === 0) byKey.delete(owner);
      else byKey.set(owner, metrics);
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
  classes: ClassResult[],
  namedTracks: NamedTrackResult[],
  samples: number,
): { verdict: RunVerdict; reason: string } {
  const named = (verdict: SeriesVerdict['verdict']) => [
    ...namedTracks.filter((track) => track.verdict === verdict).map((track) => track.name),
    ...structures.filter((structure) => structure.verdict === verdict).map((structure) => structure.label),
    ...classes.filter((result) => result.verdict === verdict).map((result) => `class ${result.className}`),
  ];
  const listed = (names: string[]) =>
    names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
  const growing = named('growing');
  if (growing.length > 0) return { verdict: 'leak', reason: `growing: ${listed(growing)}` };
  const undecided = named('inconclusive');
  if (undecided.length > 0) {
    return { verdict: 'inconclusive', reason: `nothing grows for sure, but undecided: ${listed(undecided)}` };
  }
  if (samples < 2) return { verdict: 'inconclusive', reason: `${samples} snapshot(s): nothing to compare` };
  return {
    verdict: 'no-leak',
    reason: `${structures.length} candidate structures, ${classes.length} classes and ${namedTracks.length} named tracks, all stable`,
  };
}

function classResults(
  candidates: { className: string; metric: MetricName; series: number[] }[],
  verdicts: SeriesVerdict[],
): ClassResult[] {
  const byClass = new Map<string, MetricResult[]>();
  candidates.forEach((candidate, index) => {
    const metrics = byClass.get(candidate.className) ?? [];
    metrics.push({ metric: candidate.metric, series: candidate.series, verdict: verdicts[index]! });
    byClass.set(candidate.className, metrics);
  });
  return [...byClass]
    .map(([className, metrics]) => ({
      className,
      verdict: worstVerdict(metrics.map((metric) => metric.verdict.verdict)),
      metrics,
    }))
    .sort((a, b) => verdictRank(b.verdict) - verdictRank(a.verdict) || bytesGrowth(b) - bytesGrowth(a));
}

function emptyRows(length: number): Record<MetricName, number[]> {
  return {
    selfSize: new Array<number>(length).fill(0),
    edgeCount: new Array<number>(length).fill(0),
    retainedSize: new Array<number>(length).fill(0),
    count: new Array<number>(length).fill(0),
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
function bytesGrowth(structure: { metrics: MetricResult[] }): number {
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
