// The tracker of a run: takes each snapshot's measurements (structures by path key, class
// aggregates, named measurements) and, on `analyze`, hands them to the four jobs — candidate
// selection, structure and class tracking, named tracks — and the run verdict.

import { type Candidate, MAXIMUM_CANDIDATES_PER_METRIC, selectCandidates } from './candidates.js';
import { type ClassResult, classCandidates, classResults, definedFloors } from './class-tracking.js';
import type { ClassAggregate } from './classes.js';
import { floorsFor, KeyExactness } from './drift.js';
import { type Finding, groupFindings } from './findings.js';
import { settleImmaterialCounts } from './materiality.js';
import { benjaminiHochberg } from './multiple-testing.js';
import {
  givenTracks,
  type NamedTrackMeasurement,
  type NamedTrackResult,
  queryTracks,
} from './named-tracks.js';
import { type RunVerdict, runVerdict } from './run-verdict.js';
import { type MetricName, SampleStore } from './sample-store.js';
import { SeriesBuilder, type TrackSample } from './series.js';
import { StructureKeys } from './structure-keys.js';
import { type StructureResult, structureResults } from './structure-tracking.js';
import type { StructureMeasurements } from './structures.js';
import { decide, defaultWarmupSamples, MINIMUM_SAMPLES, type VerdictOptions, type XUnit } from './verdict.js';

export interface TrackerOptions {
  xUnit: XUnit;
  /** Key registry to share with `measureStructures`; a new one by default. */
  keys?: StructureKeys;
  verdict?: Omit<VerdictOptions, 'kind' | 'adjustedPValue'>;
  maximumCandidatesPerMetric?: number;
  /**
   * What a scenario knows about the structures it tracks (e.g. retained-maps' step limit),
   * applied where discovery meets them too: otherwise one structure gets two verdicts in one
   * report, e.g. a leak whose steps pause under CPU load `growing` as a track and `stable`
   * (a plateau) as a discovered structure, and the leak has no finding.
   */
  knownStructures?: KnownStructures;
}

export interface KnownStructures {
  /** Path queries (as for `trackQuery`) of the structures the knowledge is about. */
  queries: readonly string[];
  verdict: Omit<VerdictOptions, 'kind' | 'adjustedPValue'>;
}

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
  /** One per leak: growing structures and classes grouped by owner, largest first. */
  findings: Finding[];
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
    const builder = new SeriesBuilder(this.#samples, this.#options.xUnit, this.#options.verdict);
    const maximumPerMetric = this.#options.maximumCandidatesPerMetric ?? MAXIMUM_CANDIDATES_PER_METRIC;
    const exactness = new KeyExactness(this.keys);
    const explicit = definedFloors(builder.verdictOptions);
    const floorsOf = (key: number, metric: MetricName) => ({
      ...floorsFor(exactness.of(key), metric, 'structure'),
      ...explicit,
    });
    const known = this.#knownKeys();
    const judgedWith = (key: number, metric: MetricName): VerdictOptions => ({
      ...floorsOf(key, metric),
      ...(known.has(key) ? this.#options.knownStructures!.verdict : {}),
    });
    const candidates = selectCandidates(this.#store, {
      sampleCount: this.#samples.length,
      warmupSamples: this.#options.verdict?.warmupSamples ?? defaultWarmupSamples(this.#samples.length),
      floorsOf,
      isExact: (key) => exactness.of(key) === 'exact',
      depthOf: (key) => this.keys.depthOf(key),
      maximumPerMetric,
    });
    const seriesOf = this.#candidateSeries(candidates);
    const structureEvidence = candidates.map((candidate) =>
      builder.presentEvidence(
        seriesOf(candidate),
        seriesOf({ key: candidate.key, metric: 'count' }),
        candidate.metric,
        judgedWith(candidate.key, candidate.metric),
      ),
    );
    const classBuilder = builder.over(
      this.#samples.filter((sample) => this.#classAggregates.has(sample.snapshotIndex)),
    );
    const classTested = classCandidates(
      classBuilder,
      (snapshotIndex) => this.#classAggregates.get(snapshotIndex)!,
      maximumPerMetric,
    );
    // Every automatically found candidate shares one false-discovery budget.
    const pooled = [...structureEvidence, ...classTested.map((candidate) => candidate.evidence)];
    const adjusted = benjaminiHochberg(pooled.map((item) => item.pValue));
    const verdicts = pooled.map((item, index) => decide({ ...item, pValue: adjusted[index]! }));
    const structureVerdicts = settleImmaterialCounts(
      candidates,
      verdicts.slice(0, candidates.length),
      (key) =>
        decide(
          builder.presentEvidence(
            this.seriesOf(key, 'selfSize'),
            this.seriesOf(key, 'count'),
            'selfSize',
            judgedWith(key, 'selfSize'),
          ),
        ),
    );
    const structures = structureResults(this.keys, candidates, structureVerdicts, seriesOf);
    const classes = classResults(classTested, verdicts.slice(candidates.length));
    const namedTracks = [
      ...queryTracks(this.#queries, this.keys, this.#store, builder),
      ...givenTracks(this.#namedMeasurements, builder),
    ];
    const findings = groupFindings(this.keys, structures, classes, this.#options.xUnit, (key) =>
      this.#store.hasRetainedSizes
        ? decide(builder.evidence(this.seriesOf(key, 'retainedSize'), 'retainedSize'))
        : undefined,
    );
    const { verdict, reason } = runVerdict(
      structures,
      classes,
      namedTracks,
      this.#samples.length,
      findings,
      this.#samplesNeeded(),
    );
    return {
      verdict,
      reason,
      samples: this.#samples.length,
      xUnit: this.#options.xUnit,
      x: builder.samples.map((sample) => sample.x),
      elapsedMs: builder.samples.map((sample) => sample.elapsedMs),
      testedSeries: pooled.length,
      structures,
      classes,
      namedTracks,
      findings,
    };
  }

  /** Warm-up plus the samples a series needs after it: fewer snapshots cannot show stability. */
  #samplesNeeded(): number {
    const options = this.#options.verdict ?? {};
    const warmup = options.warmupSamples ?? defaultWarmupSamples(this.#samples.length);
    return warmup + (options.minimumSamples ?? MINIMUM_SAMPLES);
  }

  /** Keys of the structures a scenario's knowledge is about (none without knowledge). */
  #knownKeys(): Set<number> {
    const queries = this.#options.knownStructures?.queries ?? [];
    return new Set(queries.flatMap((query) => this.keys.find(query)));
  }

  /** The series of every candidate, read from the store in one replay. */
  #candidateSeries(candidates: Candidate[]): (candidate: Candidate) => number[] {
    const candidateKeys = [...new Set(candidates.map((candidate) => candidate.key))];
    const series = this.#store.seriesOf(candidateKeys);
    const rowOf = new Map(candidateKeys.map((key, row) => [key, row]));
    return (candidate) => series[candidate.metric][rowOf.get(candidate.key)!]!;
  }
}
