// Runs one scenario under one Node.js runtime: starts the capture, turns each snapshot into
// measurements as it arrives (then deletes it unless asked to keep it), saves the run as it
// goes, and ends with a verdict. An interrupted or crashed run keeps what it measured and
// ends `incomplete`.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type CaptureSession, type SnapshotEvent, startCapture } from '../capture/index.js';
import { judgeSeries, METRIC_KINDS, type MetricResult, SeriesTracker } from '../growth/index.js';
import { type Runtime, resolveRuntime } from '../runtimes/index.js';
import { describeEnvironment } from './environment.js';
import { appendJsonLine, makePrivateDirectory, writeJsonAtomically } from './files.js';
import { measureSnapshot, type TrackMeasurement } from './measure-snapshot.js';
import {
  classEntries,
  namedTrackVerdict,
  RUN_SCHEMA_VERSION,
  type RunRecord,
  type SnapshotRow,
  structureEntries,
  type TrackEntry,
} from './result.js';
import { resolveScenario, type ScenarioSource } from './scenario-source.js';

export interface RunOptions {
  /** A built-in scenario name or a file. */
  scenario: string;
  /** `22.14.0`, `22`, `lts`, `latest`, `system` or a path to a node binary. */
  node: string;
  /** Snapshots to take, baseline included. */
  snapshots?: number;
  everyIterations?: number;
  everyMs?: number;
  /** Stop after this long instead of after a number of snapshots. */
  durationMs?: number;
  warmupSnapshots?: number;
  /** Path queries to track by name, in addition to the scenario's own. */
  track?: string[];
  runsDir: string;
  keepSnapshots?: boolean;
  cacheDir?: string;
  nodeArgs?: string[];
  /** The command line that reproduces this run, for reports. */
  command?: string;
  onEvent?: (event: RunEvent) => void;
  /** Stops the run early (the run ends `incomplete`, keeping its samples). */
  signal?: AbortSignal;
}

export type RunEvent =
  | { type: 'runtime'; runtime: Runtime }
  | { type: 'started'; directory: string; totalSnapshots: number | null }
  | { type: 'snapshot'; row: SnapshotRow; tracks: TrackMeasurement[]; totalSnapshots: number | null }
  | { type: 'warning'; message: string };

const DEFAULT_SNAPSHOTS = 12;
const DEFAULT_EVERY_MS = 2000;

export async function runScenario(options: RunOptions): Promise<RunRecord> {
  const scenario = resolveScenario(options.scenario);
  const runtime = await resolveRuntime(options.node, { cacheDir: options.cacheDir });
  options.onEvent?.({ type: 'runtime', runtime });
  const schedule = scheduleOf(options, scenario);
  const startedAt = new Date();
  const id = `${startedAt.toISOString().replace(/[:.]/g, '-')}-${scenario.name}-node${runtime.version}`;
  const directory = join(options.runsDir, id);
  const snapshotDir = join(directory, 'snapshots');
  makePrivateDirectory(snapshotDir);
  const tracks = [...new Set([...(scenario.builtin?.track ?? []), ...(options.track ?? [])])];
  const record: RunRecord = {
    schemaVersion: RUN_SCHEMA_VERSION,
    kind: 'run',
    id,
    directory,
    status: 'running',
    verdict: 'incomplete',
    verdictReason: 'the run has not finished',
    scenario: { name: scenario.name, file: scenario.file, mode: scenario.mode, builtin: !!scenario.builtin },
    runtime: {
      spec: options.node,
      version: runtime.version,
      v8Version: null,
      path: runtime.path,
      source: runtime.source,
    },
    command: options.command ?? `heapdrift run ${options.scenario} --node ${options.node}`,
    environment: describeEnvironment(),
    schedule,
    startedAt: startedAt.toISOString(),
    endedAt: null,
    wallMs: 0,
    exit: null,
    xUnit: scenario.mode === 'iterations' ? 'iteration' : 'ms',
    snapshots: [],
    tracks: [],
    structures: [],
    classes: [],
  };
  const runFile = join(directory, 'run.json');
  const samplesFile = join(directory, 'samples.jsonl');
  writeJsonAtomically(runFile, record);
  options.onEvent?.({ type: 'started', directory, totalSnapshots: schedule.snapshots || null });

  const tracker = new SeriesTracker({
    xUnit: record.xUnit,
    verdict: { warmupSamples: schedule.warmupSnapshots },
  });
  const trackHistory = new Map<string, TrackMeasurement[]>(tracks.map((name) => [name, []]));
  const capture = startCapture({
    nodePath: runtime.path,
    scenarioFile: scenario.file,
    mode: scenario.mode,
    every: schedule.everyIterations
      ? { iterations: schedule.everyIterations }
      : { ms: schedule.everyMs ?? DEFAULT_EVERY_MS },
    maxSnapshots: schedule.snapshots || undefined,
    durationMs: options.durationMs,
    snapshotDir,
    nodeArgs: options.nodeArgs,
  });
  const stopOnAbort = () => void capture.stop();
  options.signal?.addEventListener('abort', stopOnAbort, { once: true });

  const save = () => {
    const report = tracker.analyze();
    record.structures = structureEntries(report);
    record.classes = classEntries(report);
    const limits = scenario.builtin?.trackVerdict;
    const rejudge = limits
      ? (metric: MetricResult) =>
          judgeSeries(
            { x: report.x, y: metric.series, xUnit: report.xUnit, elapsedMs: report.elapsedMs },
            { ...limits, kind: METRIC_KINDS[metric.metric], warmupSamples: schedule.warmupSnapshots },
          )
      : undefined;
    record.tracks = tracks.map((name) =>
      trackEntry(name, trackHistory.get(name)!, namedTrackVerdict(report, name, rejudge)),
    );
    const verdict = record.tracks.length > 0 ? tracksVerdict(record.tracks) : report;
    record.verdict = verdict.verdict;
    record.verdictReason = verdict.reason;
    record.wallMs = Date.now() - startedAt.getTime();
    writeJsonAtomically(runFile, record);
  };

  try {
    for await (const event of capture as AsyncIterable<import('../capture/index.js').CaptureEvent>) {
      if (event.type === 'ready') {
        record.runtime.v8Version = event.v8Version;
        writeJsonAtomically(runFile, record);
      } else if (event.type === 'sample') {
        appendJsonLine(samplesFile, event);
      } else if (event.type === 'snapshot') {
        const row = await measureAndSave(
          event,
          record,
          tracker,
          tracks,
          trackHistory,
          options.keepSnapshots ?? false,
        );
        appendJsonLine(samplesFile, { type: 'snapshot', ...row, sample: event.sample });
        save();
        options.onEvent?.({
          type: 'snapshot',
          row,
          tracks: tracks.map((name) => trackHistory.get(name)!.at(-1)!),
          totalSnapshots: schedule.snapshots || null,
        });
      } else if (event.type === 'error') {
        options.onEvent?.({ type: 'warning', message: event.message });
      } else if (event.type === 'exit') {
        record.exit = { reason: event.reason, code: event.code, signal: event.signal };
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', stopOnAbort);
    await stopQuietly(capture);
  }
  const complete = record.exit?.reason === 'completed' && !options.signal?.aborted;
  if (record.snapshots.length > 0) save();
  record.status = complete ? 'complete' : 'incomplete';
  if (!complete) {
    record.verdictReason = `the run ended early (${record.exit?.reason ?? 'interrupted'}) after ${record.snapshots.length} snapshots; ${record.verdict === 'leak' ? 'growth was already significant' : `verdict so far: ${record.verdict}`}`;
    record.verdict = 'incomplete';
  }
  record.endedAt = new Date().toISOString();
  record.wallMs = Date.now() - startedAt.getTime();
  writeJsonAtomically(runFile, record);
  if (!options.keepSnapshots) rmSync(snapshotDir, { recursive: true, force: true });
  return record;
}

async function measureAndSave(
  event: SnapshotEvent,
  record: RunRecord,
  tracker: SeriesTracker,
  tracks: string[],
  trackHistory: Map<string, TrackMeasurement[]>,
  keepSnapshots: boolean,
): Promise<SnapshotRow> {
  const x = record.xUnit === 'iteration' ? (event.iteration ?? 0) : event.elapsedMs;
  try {
    const measured = await measureSnapshot(event.file, event.index, x, event.elapsedMs, tracker, tracks);
    for (const track of measured.tracks) trackHistory.get(track.name)!.push(track);
    const row: SnapshotRow = {
      index: event.index,
      iteration: event.iteration,
      elapsedMs: Math.round(event.elapsedMs),
      nodeCount: measured.nodeCount,
      totalSelfSize: measured.totalSelfSize,
      heapUsed: event.sample.heap.used_heap_size,
      captureMs: Math.round(event.captureMs),
      parseMs: Math.round(measured.parseMs),
      analysisMs: Math.round(measured.analysisMs),
    };
    record.snapshots.push(row);
    return row;
  } finally {
    if (!keepSnapshots) rmSync(event.file, { force: true });
  }
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

function scheduleOf(options: RunOptions, scenario: ScenarioSource): RunRecord['schedule'] {
  const defaults = scenario.builtin?.defaults;
  const iterations = scenario.mode === 'iterations';
  const everyIterations =
    iterations && !options.everyMs ? (options.everyIterations ?? defaults?.everyIterations ?? 100) : null;
  return {
    snapshots:
      options.durationMs && !options.snapshots
        ? 0
        : (options.snapshots ?? defaults?.snapshots ?? DEFAULT_SNAPSHOTS),
    everyIterations,
    everyMs: everyIterations ? null : (options.everyMs ?? DEFAULT_EVERY_MS),
    warmupSnapshots: options.warmupSnapshots ?? defaults?.warmupSnapshots ?? 2,
    durationMs: options.durationMs ?? null,
  };
}

async function stopQuietly(capture: CaptureSession): Promise<void> {
  try {
    await capture.stop();
  } catch {
    // Already ended.
  }
}
