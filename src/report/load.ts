// Reads a saved run, matrix or bisection back from its directory (or its JSON file) into one
// shape every report format can draw from: the record itself plus the runs it holds, and
// whether it finished. A record from a newer heapdrift is refused with one clear line.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../errors.js';
import { type BisectRecord, type MatrixRecord, RUN_SCHEMA_VERSION, type RunRecord } from '../run/result.js';
import { compareVersionTexts } from '../runtimes/versions.js';

export type SavedRecord = RunRecord | MatrixRecord | BisectRecord;

export interface LoadedReport {
  kind: SavedRecord['kind'];
  /** The JSON file the record was read from. */
  file: string;
  record: SavedRecord;
  /** Every run the record holds, in its order (one for a run). */
  runs: RunRecord[];
  scenario: string;
  command: string;
  /** Why the record is not a finished one, or null when it is. */
  incomplete: string | null;
}

const RECORD_FILES = ['run.json', 'matrix.json', 'bisect.json'] as const;
const RECORD_KINDS: readonly SavedRecord['kind'][] = ['run', 'series', 'attach', 'matrix', 'bisect'];

/** A record of one judged series of snapshots: a run, a `series` or an `attach`. */
export function isSingleRun(record: SavedRecord): record is RunRecord {
  return record.kind !== 'matrix' && record.kind !== 'bisect';
}

/** The record file inside a saved directory, or the file itself when given one. */
export function findRecordFile(path: string): string {
  if (!existsSync(path))
    throw new UserError(`${path}: no such run, matrix or bisect directory`, 'ERR_HEAPDRIFT_NOT_FOUND');
  if (statSync(path).isFile()) return path;
  for (const name of RECORD_FILES) {
    const file = join(path, name);
    if (existsSync(file)) return file;
  }
  throw new UserError(
    `${path}: no run.json, matrix.json or bisect.json here: not a saved heapdrift run`,
    'ERR_HEAPDRIFT_RECORD',
  );
}

export function loadReport(path: string): LoadedReport {
  const file = findRecordFile(path);
  const record = parseRecord(file, readFileSync(file, 'utf8'));
  return describeRecord(record, file);
}

/** Parses and checks one record file's text; the file name is only for messages. */
export function parseRecord(file: string, text: string): SavedRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`${file}: not valid JSON (a damaged or foreign file)`, 'ERR_HEAPDRIFT_RECORD');
  }
  if (typeof value !== 'object' || value === null)
    throw new UserError(`${file}: not a heapdrift record`, 'ERR_HEAPDRIFT_RECORD');
  const candidate = value as { schemaVersion?: unknown; kind?: unknown };
  if (typeof candidate.schemaVersion !== 'number')
    throw new UserError(`${file}: no schemaVersion: not a heapdrift record`, 'ERR_HEAPDRIFT_RECORD');
  if (candidate.schemaVersion > RUN_SCHEMA_VERSION)
    throw new UserError(
      `${file}: schemaVersion ${candidate.schemaVersion} is newer than this heapdrift reads (${RUN_SCHEMA_VERSION}); upgrade heapdrift`,
      'ERR_HEAPDRIFT_RECORD_VERSION',
    );
  if (candidate.schemaVersion < 1)
    throw new UserError(`${file}: unknown schemaVersion ${candidate.schemaVersion}`, 'ERR_HEAPDRIFT_RECORD');
  if (!RECORD_KINDS.includes(candidate.kind as SavedRecord['kind']))
    throw new UserError(
      `${file}: unknown record kind ${JSON.stringify(candidate.kind)}`,
      'ERR_HEAPDRIFT_RECORD',
    );
  return value as SavedRecord;
}

export function describeRecord(record: SavedRecord, file: string): LoadedReport {
  switch (record.kind) {
    case 'run':
    case 'series':
    case 'attach':
      return {
        kind: record.kind,
        file,
        record,
        runs: [record],
        scenario: record.scenario.name,
        command: record.command,
        incomplete: runIncompleteReason(record),
      };
    case 'matrix':
      return {
        kind: 'matrix',
        file,
        record,
        runs: record.runs,
        scenario: record.scenario,
        command: record.command,
        incomplete: matrixIncompleteReason(record),
      };
    case 'bisect':
      return {
        kind: 'bisect',
        file,
        record,
        runs: reportRuns(record),
        scenario: record.scenario,
        command: record.command,
        incomplete:
          record.status === 'complete'
            ? null
            : `the bisection did not finish (${record.status}${record.reason ? `: ${record.reason}` : ''})`,
      };
  }
}

export function runIncompleteReason(record: RunRecord): string | null {
  if (record.status === 'complete') return null;
  if (record.status === 'running')
    return `the run did not finish: run.json still says "running" (interrupted, or still in progress) after ${record.snapshots.length} snapshots`;
  return record.verdictReason || `the run ended early after ${record.snapshots.length} snapshots`;
}

function matrixIncompleteReason(record: MatrixRecord): string | null {
  const missing = record.nodes.length - record.runs.length;
  if (record.endedAt === null || missing > 0)
    return `the matrix did not finish: ${record.runs.length} of ${record.nodes.length} runtimes ran`;
  const unfinished = record.runs.filter((run) => run.status !== 'complete');
  if (unfinished.length > 0)
    return `runs ended early under ${unfinished.map((run) => `Node ${run.runtime.version}`).join(', ')}`;
  return null;
}

/**
 * The runs a report shows, in reading order: a matrix's in the order asked; a bisection's by
 * version (it made them in search order, which reads as noise).
 */
export function reportRuns(record: SavedRecord): RunRecord[] {
  if (isSingleRun(record)) return [record];
  if (record.kind === 'matrix') return record.runs;
  return [...record.runs].sort((a, b) => compareVersionTexts(a.runtime.version, b.runtime.version));
}

/** The record's directory name, for titles. */
export function recordName(loaded: LoadedReport): string {
  return basename(loaded.record.directory || loaded.file);
}
