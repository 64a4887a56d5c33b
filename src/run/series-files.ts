// The snapshot files of a `series`: found from files or directories, ordered by the time in
// Node's own file names (`--heapsnapshot-signal`, `v8.writeHeapSnapshot`) when every file has
// one, else by modification time, each placed on the series' time axis.

import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../errors.js';

export type SeriesOrder = 'name' | 'mtime';

export interface SeriesFile {
  file: string;
  /** Epoch milliseconds: from the name when ordered by name, else the modification time. */
  time: number;
  /** The process id in Node's file name, when there is one. */
  pid: number | null;
}

/**
 * Node's diagnostic names: `Heap.20240102.030405.1234.0.001.heapsnapshot` (signal, --heapsnapshot-near-heap-limit)
 * and `Heap-20240102-030405-1234-0.heapsnapshot` (v8.writeHeapSnapshot). Date and time are local.
 * https://nodejs.org/api/cli.html#--heapsnapshot-signalsignal, https://nodejs.org/api/v8.html#v8writeheapsnapshotfilenameoptions
 */
const NODE_NAME =
  /^Heap[.-](\d{4})(\d{2})(\d{2})[.-](\d{2})(\d{2})(\d{2})[.-](\d+)[.-](\d+)(?:[.-](\d+))?\.heapsnapshot$/;

interface NamedTime {
  time: number;
  pid: number;
  sequence: number;
}

export function parseNodeSnapshotName(file: string): NamedTime | null {
  const match = NODE_NAME.exec(basename(file));
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  const time = new Date(year!, month! - 1, day!, hour!, minute!, second!).getTime();
  return { time, pid: Number(match[7]), sequence: Number(match[9] ?? 0) };
}

/** Every `.heapsnapshot` file named (directories: the ones directly inside), in series order. */
export function listSeriesFiles(
  paths: readonly string[],
  order?: SeriesOrder,
): { files: SeriesFile[]; order: SeriesOrder } {
  const found = paths.flatMap(expand);
  const unique = [...new Set(found)];
  if (unique.length === 0)
    throw new UserError(`${paths.join(' ')}: no .heapsnapshot files here`, 'ERR_HEAPDRIFT_SERIES_EMPTY');
  const named = unique.map((file) => ({
    file,
    name: parseNodeSnapshotName(file),
    mtime: statSync(file).mtimeMs,
  }));
  const chosen = order ?? (named.every((entry) => entry.name) ? 'name' : 'mtime');
  if (chosen === 'name') {
    const unnamed = named.find((entry) => !entry.name);
    if (unnamed)
      throw new UserError(
        `--order name: ${unnamed.file} has no time in its name (expected Heap.<date>.<time>.<pid>.<tid>.<seq>.heapsnapshot); use --order mtime`,
        'ERR_HEAPDRIFT_SERIES_ORDER',
      );
    named.sort(
      (a, b) =>
        a.name!.time - b.name!.time || a.name!.sequence - b.name!.sequence || a.file.localeCompare(b.file),
    );
  } else {
    named.sort((a, b) => a.mtime - b.mtime || a.file.localeCompare(b.file));
  }
  return {
    order: chosen,
    files: named.map((entry) => ({
      file: entry.file,
      time: chosen === 'name' ? entry.name!.time : entry.mtime,
      pid: entry.name?.pid ?? null,
    })),
  };
}

function expand(path: string): string[] {
  const absolute = resolve(path);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(absolute);
  } catch {
    throw new UserError(`${path}: no such file or directory`, 'ERR_HEAPDRIFT_NOT_FOUND');
  }
  if (stats.isFile()) return [absolute];
  return readdirSync(absolute)
    .filter((name) => name.endsWith('.heapsnapshot'))
    .map((name) => join(absolute, name))
    .filter((file) => statSync(file).isFile());
}
