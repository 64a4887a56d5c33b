// `series`: growth verdicts over heap snapshots that already exist (written by
// --heapsnapshot-signal, v8.writeHeapSnapshot, DevTools or `attach --keep-snapshots`). Each
// file is read and measured in a child process of its own, which exits after it: nothing of one
// snapshot outlives it here, only its measurements go into the run's tracker. A damaged file is
// skipped and recorded; snapshots of different processes are refused unless allowed.

import { rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { UserError } from '../errors.js';
import type { StructureMeasurements } from '../growth/index.js';
import { safeName } from './matrix.js';
import { newRecord, recordDirectory } from './new-record.js';
import { RecordKeeper } from './record-keeper.js';
import { releaseMemory } from './release-memory.js';
import type { RunRecord, SeriesSource } from './result.js';
import type { RunEvent } from './run-scenario.js';
import { SnapshotChildren } from './series-children.js';
import { measureSeriesFile, type SeriesJob } from './series-file.js';
import { listSeriesFiles, type SeriesFile, type SeriesOrder } from './series-files.js';
import { ProcessContinuity } from './series-process.js';
import type { SnapshotRuntime } from './snapshot-runtime.js';

export interface SeriesOptions {
  /** Snapshot files and directories holding them. */
  paths: string[];
  order?: SeriesOrder;
  /** Judge snapshots that look like different processes anyway. */
  allowMixed?: boolean;
  track?: string[];
  warmupSnapshots?: number;
  runsDir: string;
  command?: string;
  onEvent?: (event: RunEvent) => void;
  /** Stops early; the record ends `incomplete` with what was measured. */
  signal?: AbortSignal;
}

export async function runSeries(options: SeriesOptions): Promise<RunRecord> {
  const { files, order } = listSeriesFiles(options.paths, options.order);
  const source: SeriesSource = {
    type: 'series',
    order,
    files: files.map((entry) => ({
      file: entry.file,
      time: new Date(entry.time).toISOString(),
      pid: entry.pid,
      judged: false,
      skipped: null,
    })),
    mixed: namedPidsDiffer(files),
  };
  if (source.mixed && !options.allowMixed) throw mixedError(source.mixed);
  const keeper = new RecordKeeper(newSeriesRecord(options, files, source), {
    tracks: options.track ?? [],
    warmupSnapshots: options.warmupSnapshots ?? 2,
  });
  const record = keeper.record;
  options.onEvent?.({ type: 'started', directory: record.directory, totalSnapshots: files.length });
  const continuity = new ProcessContinuity();
  const firstTime = files[0]!.time;
  // Interrupted: run.json says so at once, with what was judged so far, so that leaving at
  // any moment after this (a second Ctrl-C) leaves a final record behind.
  const interrupted = () => keeper.finish(false, 'interrupted');
  const { signal } = options;
  if (signal?.aborted) interrupted();
  else signal?.addEventListener('abort', interrupted, { once: true });
  const children = seriesMeasuresInChildren() ? new SnapshotChildren({ signal }) : null;
  try {
    for (const [position, entry] of files.entries()) {
      if (signal?.aborted) break;
      const listed = source.files[position]!;
      // The previous snapshot's measurements (or in-process its graph and analysis) are
      // garbage now: free them before this file's arrive, so the two never share the peak.
      if (position > 0) releaseMemory();
      const job = {
        file: entry.file,
        tracks: [...keeper.trackQueries],
        runtime: record.runtime.v8Version === null,
      };
      const answer = children
        ? await measureInChild(children, keeper, job)
        : await measureSeriesFile(job.file, keeper.keys, job.tracks, job.runtime, signal);
      // The record is final already: the snapshot read meanwhile is not measured.
      if (answer.type === 'aborted' || signal?.aborted) break;
      if (answer.type !== 'measured') {
        listed.skipped =
          answer.type === 'unreadable' ? withoutFileName(answer.message, entry.file) : answer.message;
        options.onEvent?.({ type: 'warning', message: `skipped ${entry.file}: ${listed.skipped}` });
        keeper.write();
        continue;
      }
      const mixed = continuity.checkIdentity(answer.identity, basename(entry.file));
      if (mixed) {
        if (!options.allowMixed) throw mixedError(mixed);
        source.mixed ??= mixed;
      }
      if (answer.runtime) describeRuntime(record, answer.runtime);
      const added = keeper.addMeasured(
        answer.measurement,
        {
          index: record.snapshots.length,
          iteration: null,
          elapsedMs: entry.time - firstTime,
          heapUsed: answer.measurement.totalSelfSize,
          captureMs: 0,
        },
        answer.parseMs,
      );
      listed.judged = true;
      keeper.write();
      options.onEvent?.({
        type: 'snapshot',
        row: added.row,
        tracks: added.tracks,
        totalSnapshots: files.length,
      });
    }
  } catch (error) {
    // A refused series leaves nothing behind that could pass for a judged one.
    if (error instanceof UserError) rmSync(record.directory, { recursive: true, force: true });
    throw error;
  } finally {
    children?.close();
    signal?.removeEventListener('abort', interrupted);
  }
  if (signal?.aborted) return record;
  keeper.finish(true, '');
  const skipped = source.files.filter((file) => file.skipped);
  if (skipped.length > 0) {
    record.verdictReason += `; skipped ${skipped.length} unreadable snapshot${skipped.length === 1 ? '' : 's'}: ${skipped.map((file) => basename(file.file)).join(', ')}`;
    keeper.write();
  }
  return record;
}

function newSeriesRecord(options: SeriesOptions, files: SeriesFile[], source: SeriesSource): RunRecord {
  const startedAt = new Date();
  const label = seriesLabel(options.paths);
  return newRecord(recordDirectory(options.runsDir, startedAt, `series-${safeName(label)}`), startedAt, {
    kind: 'series',
    verdictReason: 'the series has not been judged yet',
    scenario: { name: label, file: options.paths[0]!, mode: 'script', builtin: false },
    runtime: { spec: 'snapshots', version: 'unknown', v8Version: null, path: '', source: 'snapshot files' },
    command: options.command ?? `heapdrift series ${options.paths.join(' ')}`,
    schedule: {
      snapshots: files.length,
      everyIterations: null,
      everyMs: null,
      warmupSnapshots: options.warmupSnapshots ?? 2,
    },
    xUnit: 'ms',
    source,
  });
}

/** A directory's name, or the directory of the files. */
function seriesLabel(paths: readonly string[]): string {
  const first = paths[0]!.replace(/\/+$/, '');
  return paths.length === 1 && !first.endsWith('.heapsnapshot') ? basename(first) : basename(dirname(first));
}

function namedPidsDiffer(files: SeriesFile[]): string | null {
  const pids = [...new Set(files.map((file) => file.pid).filter((pid) => pid !== null))];
  return pids.length > 1 ? `the file names carry different process ids (${pids.join(', ')})` : null;
}

function mixedError(reason: string): UserError {
  return new UserError(
    `these snapshots are not from one process: ${reason}; pass --allow-mixed to judge them together anyway`,
    'ERR_HEAPDRIFT_SERIES_MIXED',
  );
}

function describeRuntime(record: RunRecord, runtime: SnapshotRuntime): void {
  record.runtime.v8Version = runtime.v8Version;
  if (runtime.nodeVersion) record.runtime.version = runtime.nodeVersion;
}

/** Each file in a child of its own, or (`HEAPDRIFT_SERIES_CHILDREN=off`, kept to compare records and memory) in this process. */
export function seriesMeasuresInChildren(): boolean {
  return process.env.HEAPDRIFT_SERIES_CHILDREN !== 'off';
}

/** In a child, with a trie of its own: its keys are mapped to the series' ids, the measurements with them. */
async function measureInChild(children: SnapshotChildren, keeper: RecordKeeper, job: SeriesJob) {
  const answer = await children.measure(job);
  if (answer.type !== 'measured') return answer;
  const ids = keeper.keys.adopt(answer.keys);
  return {
    ...answer,
    // The typed arrays of a message are views into its one buffer: copied, the identity kept
    // for the next file's check holds its own 1 MiB, not the whole answer's (3.7 MiB on a 93 MiB snapshot).
    identity: {
      ...answer.identity,
      ids: answer.identity.ids.slice(),
      shapes: answer.identity.shapes.slice(),
    },
    measurement: {
      ...answer.measurement,
      structures: byIds(answer.measurement.structures, ids, keeper.keys.size),
    },
  };
}

/** Measurements by another trie's key ids, moved to the ids `ids` gives them in a trie of `keyCount` keys. */
function byIds(structures: StructureMeasurements, ids: Int32Array, keyCount: number): StructureMeasurements {
  const moved = (values: Float64Array) => {
    const result = new Float64Array(keyCount);
    for (let key = 0; key < values.length; key++) result[ids[key]!] = values[key]!;
    return result;
  };
  return {
    keyCount,
    count: moved(structures.count),
    selfSize: moved(structures.selfSize),
    edgeCount: moved(structures.edgeCount),
    retainedSize: structures.retainedSize && moved(structures.retainedSize),
    nodeKeys: structures.nodeKeys,
  };
}

/** The reader's message names the file; the record names it already. */
function withoutFileName(message: string, file: string): string {
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}
