// The saved runs, matrices and bisections in a runs directory, newest last: what each one ran,
// under which Node.js versions, what it found and whether it finished. An unreadable or newer
// record is listed with what is wrong with it rather than failing the whole listing.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { UserError } from '../errors.js';
import { table } from '../format/index.js';
import type { RunRecord } from '../run/result.js';
import { describeRecord, findRecordFile, parseRecord, type SavedRecord } from './load.js';
import { verdictLabel } from './terminal.js';

export interface SavedEntry {
  directory: string;
  kind: SavedRecord['kind'] | 'unreadable';
  startedAt: string | null;
  scenario: string | null;
  /** Node.js versions, in the record's order. */
  nodes: string[];
  /** The run's verdict; for a matrix each version's (`22.14.0: leak`); for a bisection its finding. */
  verdict: string;
  /** complete, incomplete, running (or interrupted), or what makes the record unreadable. */
  status: string;
}

export function listSavedRuns(runsDir: string): SavedEntry[] {
  if (!existsSync(runsDir))
    throw new UserError(
      `--runs-dir ${runsDir}: no such directory (nothing saved yet?)`,
      'ERR_HEAPDRIFT_NOT_FOUND',
    );
  if (!statSync(runsDir).isDirectory())
    throw new UserError(`--runs-dir ${runsDir}: not a directory`, 'ERR_HEAPDRIFT_NOT_FOUND');
  const entries: SavedEntry[] = [];
  for (const name of readdirSync(runsDir).sort()) {
    const directory = join(runsDir, name);
    if (name.startsWith('.') || !statSync(directory).isDirectory()) continue;
    entries.push(savedEntry(directory));
  }
  return entries.sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? ''));
}

function savedEntry(directory: string): SavedEntry {
  let file: string;
  try {
    file = findRecordFile(directory);
  } catch {
    return unreadable(directory, 'no run.json, matrix.json or bisect.json');
  }
  let loaded: ReturnType<typeof describeRecord>;
  try {
    loaded = describeRecord(parseRecord(file, readFileSync(file, 'utf8')), file);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return unreadable(directory, message.replace(`${file}: `, ''));
  }
  const record = loaded.record;
  const base = { directory, kind: record.kind, startedAt: record.startedAt, scenario: loaded.scenario };
  switch (record.kind) {
    case 'run':
    case 'series':
    case 'attach':
      return {
        ...base,
        nodes: [record.runtime.version],
        verdict: record.verdict,
        status: record.status === 'running' ? 'running (or interrupted)' : record.status,
      };
    case 'matrix':
      return {
        ...base,
        nodes: record.runs.map(version),
        verdict: record.runs.map((run) => `${version(run)}: ${run.verdict}`).join(', ') || '-',
        status: loaded.incomplete ? 'incomplete' : 'complete',
      };
    case 'bisect':
      return {
        ...base,
        nodes: [record.good.version, record.bad.version],
        verdict: record.firstChanged ? `changed in ${record.firstChanged}` : 'no change point yet',
        status: record.status,
      };
  }
}

function version(run: RunRecord): string {
  return run.runtime.version;
}

function unreadable(directory: string, status: string): SavedEntry {
  return { directory, kind: 'unreadable', startedAt: null, scenario: null, nodes: [], verdict: '-', status };
}

export function formatRunsList(entries: readonly SavedEntry[], options: { color: boolean }): string {
  if (entries.length === 0) return 'No saved runs.';
  const colors = pc.createColors(options.color);
  const rows = [['started', 'kind', 'scenario', 'node', 'verdict', 'status', 'directory']];
  for (const entry of entries) {
    rows.push([
      entry.startedAt ? entry.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-',
      entry.kind,
      entry.scenario ?? '-',
      entry.nodes.join(', ') || '-',
      entry.kind === 'run' || entry.kind === 'series' || entry.kind === 'attach'
        ? verdictLabel(entry.verdict, colors)
        : entry.verdict,
      entry.status === 'complete' ? entry.status : colors.yellow(entry.status),
      entry.directory,
    ]);
  }
  return table(rows);
}
