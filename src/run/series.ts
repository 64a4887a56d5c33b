// `series`: growth verdicts over heap snapshots that already exist (written by
// --heapsnapshot-signal, v8.writeHeapSnapshot, DevTools or `attach --keep-snapshots`). One
// snapshot in memory at a time: read, measure into the run's tracker, drop. A damaged file is
// skipped and recorded; snapshots of different processes are refused unless allowed.

import { rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { UserError } from '../errors.js';
import { readHeapSnapshot } from '../snapshot/index.js';
import { safeName } from './matrix.js';
import { newRecord, recordDirectory } from './new-record.js';
import { RecordKeeper } from './record-keeper.js';
import { releaseMemory } from './release-memory.js';
import type { RunRecord, SeriesSource } from './result.js';
import type { RunEvent } from './run-scenario.js';
import { listSeriesFiles, type SeriesFile, type SeriesOrder } from './series-files.js';
import { ProcessContinuity } from './series-process.js';
import { snapshotRuntime } from './snapshot-runtime.js';

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
  try {
    for (const [position, entry] of files.entries()) {
      if (signal?.aborted) break;
      const listed = source.files[position]!;
      const started = performance.now();
      // The previous snapshot's graph and analysis are garbage now: free them before this
      // file's arrays are allocated, so the two never share the peak.
      if (position > 0) releaseMemory();
      let graph: Awaited<ReturnType<typeof readHeapSnapshot>>;
      try {
        graph = await readHeapSnapshot(entry.file);
      } catch (error) {
        listed.skipped = describeFailure(error, entry.file);
        options.onEvent?.({ type: 'warning', message: `skipped ${entry.file}: ${listed.skipped}` });
        keeper.write();
        continue;
      }
      // The record is final already: the snapshot read meanwhile is not measured.
      if (signal?.aborted) break;
      const parseMs = performance.now() - started;
      // The parser's garbage (read buffers, growth buffers) goes before the analysis allocates
      // its arrays. Measured on 20 × 93 MiB: peak RSS 378 and 380 MiB against 402 and 408
      // without it, CPU 48 s either way.
      releaseMemory();
      const mixed = continuity.check(graph, basename(entry.file));
      if (mixed) {
        if (!options.allowMixed) throw mixedError(mixed);
        source.mixed ??= mixed;
      }
      if (record.runtime.v8Version === null) describeRuntime(record, graph);
      const added = await keeper.add(
        graph,
        {
          index: record.snapshots.length,
          iteration: null,
          elapsedMs: entry.time - firstTime,
          heapUsed: graph.totalSelfSize,
          captureMs: 0,
        },
        parseMs,
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

function describeRuntime(record: RunRecord, graph: Parameters<typeof snapshotRuntime>[0]): void {
  const runtime = snapshotRuntime(graph);
  if (!runtime) return;
  record.runtime.v8Version = runtime.v8Version;
  if (runtime.nodeVersion) record.runtime.version = runtime.nodeVersion;
}

function describeFailure(error: unknown, file: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}
