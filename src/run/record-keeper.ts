// Keeps one run record (a run, a series of existing snapshots, or an attached process) as its
// snapshots arrive: measures each one into the growth tracker, re-judges on a schedule (every
// snapshot early on, judging-schedule.ts), and saves run.json atomically after every snapshot.

import { join } from 'node:path';
import {
  judgeSeries,
  METRIC_KINDS,
  type MetricResult,
  SeriesTracker,
  type StructureKeys,
  type VerdictOptions,
} from '../growth/index.js';
import type { HeapGraph } from '../snapshot/index.js';
import { appendJsonLine, writeJsonAtomically } from './files.js';
import { judgesAfterSnapshot } from './judging-schedule.js';
import {
  type GraphMeasurement,
  measureGraph,
  measureSnapshot,
  recordMeasurement,
  type SnapshotMeasurement,
  type TrackMeasurement,
} from './measure-snapshot.js';
import {
  classEntries,
  findingEntries,
  namedTrackVerdict,
  type RunRecord,
  type SnapshotRow,
  structureEntries,
  type TrackEntry,
} from './result.js';

export interface KeeperOptions {
  /** Path queries judged by name; with any, the verdict is about them. */
  tracks: readonly string[];
  warmupSnapshots: number;
  /** A scenario's own knowledge of its tracked structure (e.g. a step limit). */
  trackVerdict?: Partial<VerdictOptions>;
  /** Re-judge after every snapshot (the stopping rule needs each verdict), not on the schedule. */
  judgeEverySnapshot?: boolean;
}

/** Where a snapshot sits on the run's axis, and what the capture knew about it. */
export interface SnapshotPlace {
  index: number;
  iteration: number | null;
  elapsedMs: number;
  heapUsed: number;
  captureMs: number;
  gcMs?: number;
  writeMs?: number;
}

export class RecordKeeper {
  readonly record: RunRecord;
  readonly runFile: string;
  readonly samplesFile: string;
  readonly #tracks: readonly string[];
  readonly #options: KeeperOptions;
  readonly #tracker: SeriesTracker;
  readonly #history: Map<string, TrackMeasurement[]>;
  readonly #startedAt: number;

  constructor(record: RunRecord, options: KeeperOptions) {
    this.record = record;
    this.runFile = join(record.directory, 'run.json');
    this.samplesFile = join(record.directory, 'samples.jsonl');
    this.#options = options;
    this.#tracks = [...new Set(options.tracks)];
    const knowledge = options.trackVerdict;
    this.#tracker = new SeriesTracker({
      xUnit: record.xUnit,
      verdict: { warmupSamples: options.warmupSnapshots },
      ...(knowledge ? { knownStructures: { queries: this.#tracks, verdict: knowledge } } : {}),
    });
    this.#history = new Map(this.#tracks.map((name) => [name, []]));
    this.#startedAt = Date.parse(record.startedAt);
    this.write();
  }

  /** Writes run.json as it stands. */
  write(): void {
    this.record.wallMs = Date.now() - this.#startedAt;
    writeJsonAtomically(this.runFile, this.record);
  }

  appendSample(value: unknown): void {
    appendJsonLine(this.samplesFile, value);
  }

  /** The tracker's structure keys, for measuring a snapshot elsewhere (`addMeasured`). */
  get keys(): StructureKeys {
    return this.#tracker.keys;
  }

  /** Measures one snapshot (a file, or a graph already parsed), records its row and saves. */
  async add(snapshot: string | HeapGraph, place: SnapshotPlace, parseMs = 0): Promise<SnapshotAdded> {
    const x = this.#xOf(place);
    const args = [place.index, x, place.elapsedMs, this.#tracker, this.#tracks] as const;
    const measured =
      typeof snapshot === 'string'
        ? await measureSnapshot(snapshot, ...args)
        : { ...measureGraph(snapshot, ...args), parseMs };
    return this.#addRow(measured, place);
  }

  /** Records a snapshot measured with `keys` elsewhere (whose new keys are in `keys` by now). */
  addMeasured(measured: GraphMeasurement, place: SnapshotPlace, parseMs: number): SnapshotAdded {
    const recorded = recordMeasurement(
      measured,
      place.index,
      this.#xOf(place),
      place.elapsedMs,
      this.#tracker,
    );
    return this.#addRow({ ...recorded, parseMs }, place);
  }

  /** The query strings a measurement must cover, in the order `addMeasured` expects. */
  get trackQueries(): readonly string[] {
    return this.#tracks;
  }

  #xOf(place: SnapshotPlace): number {
    return this.record.xUnit === 'iteration' ? (place.iteration ?? 0) : place.elapsedMs;
  }

  #addRow(measured: SnapshotMeasurement, place: SnapshotPlace): SnapshotAdded {
    for (const track of measured.tracks) this.#history.get(track.name)!.push(track);
    const row: SnapshotRow = {
      index: place.index,
      iteration: place.iteration,
      elapsedMs: Math.round(place.elapsedMs),
      nodeCount: measured.nodeCount,
      totalSelfSize: measured.totalSelfSize,
      heapUsed: place.heapUsed,
      captureMs: Math.round(place.captureMs),
      ...(place.gcMs === undefined ? {} : { gcMs: Math.round(place.gcMs) }),
      ...(place.writeMs === undefined ? {} : { writeMs: Math.round(place.writeMs) }),
      parseMs: Math.round(measured.parseMs),
      analysisMs: Math.round(measured.analysisMs),
    };
    this.record.snapshots.push(row);
    if (this.#options.judgeEverySnapshot || judgesAfterSnapshot(this.record.snapshots.length)) this.judge();
    else this.write();
    return { row, tracks: this.#tracks.map((name) => this.#history.get(name)!.at(-1)!) };
  }

  /** Re-judges every structure and track from the samples so far, and saves. */
  judge(): void {
    const report = this.#tracker.analyze();
    const record = this.record;
    record.structures = structureEntries(report);
    record.classes = classEntries(report);
    record.findings = findingEntries(report);
    const limits = this.#options.trackVerdict;
    const warmupSamples = this.#options.warmupSnapshots;
    const rejudge = limits
      ? (metric: MetricResult) =>
          judgeSeries(
            { x: report.x, y: metric.series, xUnit: report.xUnit, elapsedMs: report.elapsedMs },
            { ...limits, kind: METRIC_KINDS[metric.metric], warmupSamples },
          )
      : undefined;
    record.tracks = this.#tracks.map((name) =>
      trackEntry(name, this.#history.get(name)!, namedTrackVerdict(report, name, rejudge)),
    );
    const verdict = record.tracks.length > 0 ? tracksVerdict(record.tracks) : report;
    record.verdict = verdict.verdict;
    record.verdictReason = verdict.reason;
    record.judgedSnapshots = record.snapshots.length;
    this.write();
  }

  /**
   * Ends the record: complete with its verdict, or `incomplete` with the verdict so far in the
   * reason (`why` says what ended it early).
   */
  finish(complete: boolean, why: string): RunRecord {
    const record = this.record;
    if (record.snapshots.length > 0) this.judge();
    record.status = complete ? 'complete' : 'incomplete';
    if (!complete) {
      const count = record.snapshots.length;
      const snapshots = `${count} snapshot${count === 1 ? '' : 's'}`;
      record.verdictReason = `the ${record.kind} ended early (${why}) after ${snapshots}; ${count === 0 ? 'nothing was measured' : record.verdict === 'leak' ? 'growth was already significant' : `verdict so far: ${record.verdict}`}`;
      record.verdict = 'incomplete';
    }
    record.endedAt = new Date().toISOString();
    this.write();
    return record;
  }
}

export interface SnapshotAdded {
  row: SnapshotRow;
  tracks: TrackMeasurement[];
}

function trackEntry(
  name: string,
  history: TrackMeasurement[],
  verdict: ReturnType<typeof namedTrackVerdict>,
): TrackEntry {
  const last = history.at(-1);
  return {
    name,
    ...verdict,
    className: last?.className ?? null,
    nodeName: last?.nodeName ?? null,
    retainerPath: last?.path ?? null,
    measurements: {
      selfSize: history.map((item) => item.selfSize),
      entryCount: history.map((item) => item.entryCount),
      retainedSize: history.map((item) => item.retainedSize),
      matches: history.map((item) => item.matches),
    },
  };
}

/**
 * With named tracks (the scenario's or --track), the run's verdict is about them: what else
 * grows is reported beside it but does not decide, because a scenario that builds fresh code
 * on purpose also grows compiled-code caches that V8 ages out on its own schedule.
 */
function tracksVerdict(tracks: TrackEntry[]): { verdict: RunRecord['verdict']; reason: string } {
  const growing = tracks.filter((track) => track.verdict === 'growing');
  if (growing.length > 0) {
    return {
      verdict: 'leak',
      reason: growing.map((track) => `${track.name} grows: ${track.reason}`).join('; '),
    };
  }
  const undecided = tracks.filter((track) => track.verdict !== 'stable');
  if (undecided.length > 0) {
    return {
      verdict: 'inconclusive',
      reason: undecided.map((track) => `${track.name}: ${track.reason}`).join('; '),
    };
  }
  return {
    verdict: 'no-leak',
    reason: tracks.map((track) => `${track.name} is stable: ${track.reason}`).join('; '),
  };
}
