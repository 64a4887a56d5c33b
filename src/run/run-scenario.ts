// Runs one scenario under one Node.js runtime: starts the capture, turns each snapshot into
// measurements as it arrives (then deletes it unless asked to keep it), saves the run as it
// goes, and ends with a verdict. An interrupted or crashed run keeps what it measured and
// ends `incomplete`.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PathPatternError, parsePathPattern } from '../analysis/index.js';
import { type CaptureSession, type SnapshotEvent, startCapture } from '../capture/index.js';
import { UserError } from '../errors.js';
import { type Runtime, resolveRuntime } from '../runtimes/index.js';
import { runCommandLine } from './command-line.js';
import { makePrivateDirectory, makeRunsDirectory } from './files.js';
import type { TrackMeasurement } from './measure-snapshot.js';
import { newRecord, recordDirectory } from './new-record.js';
import { RecordKeeper } from './record-keeper.js';
import type { Invocation, RunRecord, SnapshotRow } from './result.js';
import { resolveScenario, type ScenarioSource } from './scenario-source.js';
import { DEFAULT_SETTLE_RULE, type SettleRule, SettleWatch } from './stopping-rule.js';
import { typeScriptNodeArgs } from './typescript.js';

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
  /** Flags for the runtime, e.g. ['--max-old-space-size=64'] or ['--import=tsx']. */
  nodeArgs?: string[];
  /** Arguments for the script (its process.argv[2...]). */
  scriptArgs?: string[];
  /** Variables added to the program's environment. */
  env?: Record<string, string>;
  /** Also pass the program's stdout and stderr through to this stream, live. */
  forwardOutput?: NodeJS.WritableStream;
  /** The command line that reproduces this run, for reports (default: built from the options). */
  command?: string;
  onEvent?: (event: RunEvent) => void;
  /** Stops the run early (the run ends `incomplete`, keeping its samples). */
  signal?: AbortSignal;
  /**
   * Stop taking snapshots once the verdict is settled (stopping-rule.ts), `--snapshots` being
   * the maximum; the run still ends `complete`. Off by default for a run, on for matrix,
   * bisect, sweep and doctor --probe.
   */
  untilSettled?: boolean;
  /** The rule for `untilSettled` (default DEFAULT_SETTLE_RULE). */
  settleRule?: SettleRule;
}

export type RunEvent =
  | { type: 'runtime'; runtime: Runtime }
  | { type: 'started'; directory: string; totalSnapshots: number | null }
  | { type: 'snapshot'; row: SnapshotRow; tracks: TrackMeasurement[]; totalSnapshots: number | null }
  | { type: 'settled'; snapshots: number; totalSnapshots: number | null; verdict: string }
  | { type: 'warning'; message: string };

const DEFAULT_SNAPSHOTS = 12;
/** The program's output files in the run directory. */
const OUTPUT_FILES = { stdout: 'stdout.log', stderr: 'stderr.log' } as const;
/** Lines of the program's stderr kept in the record: its error and the top of its stack. */
const LAST_STDERR_LINES = 20;
const DEFAULT_EVERY_MS = 2000;

export async function runScenario(options: RunOptions): Promise<RunRecord> {
  // Everything the user can get wrong is checked before a runtime is resolved or a child starts.
  const scenario = resolveScenario(options.scenario);
  checkRunOptions(options);
  const runtime = await resolveRuntime(options.node, { cacheDir: options.cacheDir });
  const invocation: Invocation = {
    nodeArgs: options.nodeArgs ?? [],
    scriptArgs: options.scriptArgs ?? [],
    env: options.env ?? {},
  };
  const typeScriptArgs = typeScriptNodeArgs(scenario.file, runtime.version, invocation.nodeArgs);
  options.onEvent?.({ type: 'runtime', runtime });
  const schedule = scheduleOf(options, scenario);
  const startedAt = new Date();
  makeRunsDirectory(options.runsDir);
  const identity = recordDirectory(options.runsDir, startedAt, `${scenario.name}-node${runtime.version}`);
  const { directory } = identity;
  const snapshotDir = join(directory, 'snapshots');
  makePrivateDirectory(snapshotDir);
  const tracks = [...new Set([...(scenario.builtin?.track ?? []), ...(options.track ?? [])])];
  const record = newRecord(identity, startedAt, {
    kind: 'run',
    verdictReason: 'the run has not finished',
    scenario: { name: scenario.name, file: scenario.file, mode: scenario.mode, builtin: !!scenario.builtin },
    runtime: {
      spec: options.node,
      version: runtime.version,
      v8Version: null,
      path: runtime.path,
      source: runtime.source,
    },
    command: options.command ?? runCommandLine(options),
    schedule,
    invocation,
    output: { stdout: OUTPUT_FILES.stdout, stderr: OUTPUT_FILES.stderr },
    xUnit: scenario.mode === 'iterations' ? 'iteration' : 'ms',
  });
  const keeper = new RecordKeeper(record, {
    tracks,
    warmupSnapshots: schedule.warmupSnapshots,
    trackVerdict: scenario.builtin?.trackVerdict,
    judgeEverySnapshot: options.untilSettled === true,
  });
  options.onEvent?.({ type: 'started', directory, totalSnapshots: schedule.snapshots || null });
  const settle = options.untilSettled
    ? new SettleWatch(options.settleRule ?? DEFAULT_SETTLE_RULE, schedule.snapshots)
    : null;
  if (settle) record.settle = settle.state;

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
    nodeArgs: [...typeScriptArgs, ...invocation.nodeArgs],
    scriptArgs: invocation.scriptArgs,
    env: invocation.env,
    outputFiles: {
      stdout: join(directory, OUTPUT_FILES.stdout),
      stderr: join(directory, OUTPUT_FILES.stderr),
    },
    forwardOutput: options.forwardOutput,
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
        // Snapshots the child took before it heard the stop are not judged: the run settled.
        if (settle?.settled) {
          if (!options.keepSnapshots) rmSync(event.file, { force: true });
          continue;
        }
        const added = await measureAndDrop(keeper, event, options.keepSnapshots ?? false);
        keeper.appendSample({ type: 'snapshot', ...added.row, sample: event.sample });
        options.onEvent?.({
          type: 'snapshot',
          row: added.row,
          tracks: added.tracks,
          totalSnapshots: schedule.snapshots || null,
        });
        if (settle?.observe(record.verdict)) {
          keeper.write();
          options.onEvent?.({
            type: 'settled',
            snapshots: record.snapshots.length,
            totalSnapshots: schedule.snapshots || null,
            verdict: record.verdict,
          });
          void capture.stop();
        }
      } else if (event.type === 'error') {
        options.onEvent?.({ type: 'warning', message: event.message });
      } else if (event.type === 'exit') {
        record.exit = {
          reason: event.reason,
          code: event.code,
          signal: event.signal,
          lastStderr: lastLines(event.stderrTail, LAST_STDERR_LINES),
        };
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', stopOnAbort);
    await stopQuietly(capture);
  }
  // A run the stopping rule ended is complete: it asked the child to stop, nothing failed.
  const ended =
    record.exit?.reason === 'completed' || (settle?.settled === true && record.exit?.reason === 'stopped');
  const complete = ended && !options.signal?.aborted;
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
      gcMs: event.gcMs,
      writeMs: event.writeMs,
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
    durationMs: options.durationMs ?? null,
  };
}

/** Track paths and environment names, checked before any work starts. */
export function checkRunOptions(options: Omit<RunOptions, 'node'>): void {
  for (const track of options.track ?? []) {
    try {
      parsePathPattern(track);
    } catch (error) {
      if (error instanceof PathPatternError)
        throw new UserError(`track "${track}": ${error.message}`, 'ERR_HEAPDRIFT_PATH_PATTERN');
      throw error;
    }
  }
  for (const name of Object.keys(options.env ?? {})) {
    if (!ENV_NAME.test(name))
      throw new UserError(
        `environment variable name "${name}": expected letters, digits and _`,
        'ERR_HEAPDRIFT_USAGE',
      );
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The last `count` non-empty lines of a text, each cut to a readable length. */
function lastLines(text: string, count: number): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .slice(-count)
    .map((line) => (line.length > 400 ? `${line.slice(0, 399)}…` : line));
}

async function stopQuietly(capture: CaptureSession): Promise<void> {
  try {
    await capture.stop();
  } catch {
    // Already ended.
  }
}
