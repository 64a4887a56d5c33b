// Reads the knowledge base: every data/<id>/entry.json and the measurement records beside it.
// The data ships with heapdrift (copied next to the compiled code by the build).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { isSingleRun, parseRecord } from '../report/load.js';
import type { BisectRecord, MatrixRecord } from '../run/result.js';
import { type KnowledgeEntry, parseEntry } from './schema.js';

export type MeasurementRecord = MatrixRecord | BisectRecord;

export interface LoadedEntry {
  entry: KnowledgeEntry;
  /** The entry's directory (its records are beside entry.json). */
  directory: string;
  /** Every record the entry names, by file name. */
  records: Map<string, MeasurementRecord>;
}

export function defaultKnowledgeDir(): string {
  return fileURLToPath(new URL('./data', import.meta.url));
}

export function loadKnowledgeBase(dataDir = defaultKnowledgeDir()): LoadedEntry[] {
  if (!existsSync(dataDir))
    throw new UserError(`${dataDir}: no knowledge base here`, 'ERR_HEAPDRIFT_KNOWLEDGE');
  return readdirSync(dataDir, { withFileTypes: true })
    .filter((item) => item.isDirectory() && existsSync(join(dataDir, item.name, 'entry.json')))
    .map((item) => loadEntry(join(dataDir, item.name)))
    .sort((a, b) => a.entry.id.localeCompare(b.entry.id));
}

export function loadEntry(directory: string): LoadedEntry {
  const file = join(directory, 'entry.json');
  const entry = parseEntry(file, readJson(file));
  const names = new Set([
    ...entry.measurements.map((measurement) => measurement.file),
    ...entry.lines.flatMap((line) => line.evidence),
  ]);
  const records = new Map<string, MeasurementRecord>();
  for (const name of names) records.set(name, loadMeasurement(join(directory, name)));
  return { entry, directory, records };
}

function loadMeasurement(file: string): MeasurementRecord {
  if (!existsSync(file))
    throw new UserError(
      `${file}: measurement record named by the entry is missing`,
      'ERR_HEAPDRIFT_KNOWLEDGE',
    );
  const record = parseRecord(file, readFileSync(file, 'utf8'));
  if (isSingleRun(record))
    throw new UserError(
      `${file}: a measurement must be a matrix or bisect record`,
      'ERR_HEAPDRIFT_KNOWLEDGE',
    );
  return record;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(
      `${file}: ${error instanceof SyntaxError ? 'not valid JSON' : 'cannot be read'}`,
      'ERR_HEAPDRIFT_KNOWLEDGE',
    );
  }
}
