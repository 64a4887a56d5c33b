// Runs one scenario under one Node.js runtime: starts the capture, turns each snapshot into
// measurements as it arrives (then deletes it unless asked to keep it), saves the run as it
// goes, and ends with a verdict. An interrupted or crashed run keeps what it measured and
// ends `incomplete`.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type CaptureSession, type SnapshotEvent, startCapture } from '../capture/index.js';
import { type Runtime, resolveRuntime } from '../runtimes/index.js';
import { describeEnvironment } from './environment.js';
import { makePrivateDirectory } from './files.js';
import type { TrackMeasurement } from './measure-snapshot.js';
import { RecordKeeper } from './record-keeper.js';
import { RUN_SCHEMA_VERSION, type RunRecord, type SnapshotRow } from './result.js';
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
  const keeper = new RecordKeeper(record, {
    tracks,
    warmupSnapshots: schedule.warmupSnapshots,
    trackVerdict: scenario.builtin?.trackVerdict,
  });
  options.onEvent?.({ type: 'started', directory, totalSnapshots: schedule.snapshots || null });

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

  try {
    for await (const event of capture as AsyncIterable<import('../capture/index.js').CaptureEvent>) {
      if (event.type === 'ready') {
        record.runtime.v8Version = event.v8Version;
        keeper.write();
      } else if (event.type === 'sample') {
        keeper.appendSample(event);
      } else if (event.type === 'snapshot') {
        const added = await measureAndDrop(keeper, event, options.keepSnapshots ?? false);
        keeper.appendSample({ type: 'snapshot', ...added.row, sample: event.sample });
        options.onEvent?.({
          type: 'snapshot',
          row: added.row,
          tracks: added.tracks,
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
  keeper.finish(complete, record.exit?.reason ?? 'interrupted');
  if (!options.keepSnapshots) rmSync(snapshotDir, { recursive: true, force: true });
  return record;
}

async function measureAndDrop(keeper: RecordKeeper, event: SnapshotEvent, keepSnapshots: boolean) {
  try {
    return await keeper.add(event.file, {
      index: event.index,
      iteration: event.iteration,
      elapsedMs: event.elapsedMs,
      heapUsed: event.sample.heap.used_heap_size,
      captureMs: event.captureMs,
    });
  } finally {
    if (!keepSnapshots) rmSync(event.file, { force: true });
  }
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
  };
}

async function stopQuietly(capture: CaptureSession): Promise<void> {
  try {
    await capture.stop();
  } catch {
    // Already ended.
  }
}
