// Turns a snapshot series the monitor wrote into a run record (run.json) that
// `heapdrift report` renders: each snapshot measured like a run's, by structure path and by
// class, then judged by the growth tracker. Runs in a child process, off the service's thread.

import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SeriesTracker } from '../growth/index.js';
import {
  classEntries,
  describeEnvironment,
  measureSnapshot,
  RUN_SCHEMA_VERSION,
  type RunRecord,
  type SnapshotRow,
  structureEntries,
  writeJsonAtomically,
} from '../run/index.js';

/** What the monitor writes beside a series' snapshots (series.json). */
export interface SeriesManifest {
  startedAt: string;
  /** The service's command line, for the report. */
  command: string;
  script: string;
  nodeVersion: string;
  v8Version: string;
  execPath: string;
  everyMs: number;
  snapshots: { file: string; elapsedMs: number; heapUsed: number; captureMs: number }[];
}

export const MANIFEST_FILE = 'series.json';
export const RECORD_FILE = 'run.json';

export async function analyseSnapshotSeries(seriesDir: string): Promise<RunRecord> {
  const manifest = JSON.parse(readFileSync(join(seriesDir, MANIFEST_FILE), 'utf8')) as SeriesManifest;
  const tracker = new SeriesTracker({ xUnit: 'ms', verdict: { warmupSamples: 1 } });
  const record = emptyRecord(seriesDir, manifest);
  for (const [index, snapshot] of manifest.snapshots.entries()) {
    const measured = await measureSnapshot(
      join(seriesDir, snapshot.file),
      index,
      snapshot.elapsedMs,
      snapshot.elapsedMs,
      tracker,
      [],
    );
    const row: SnapshotRow = {
      index,
      iteration: null,
      elapsedMs: Math.round(snapshot.elapsedMs),
      nodeCount: measured.nodeCount,
      totalSelfSize: measured.totalSelfSize,
      heapUsed: snapshot.heapUsed,
      captureMs: Math.round(snapshot.captureMs),
      parseMs: Math.round(measured.parseMs),
      analysisMs: Math.round(measured.analysisMs),
    };
    record.snapshots.push(row);
  }
  const report = tracker.analyze();
  record.structures = structureEntries(report);
  record.classes = classEntries(report);
  record.verdict = report.verdict;
  record.verdictReason = report.reason;
  record.status = 'complete';
  record.endedAt = new Date().toISOString();
  record.wallMs = Date.parse(record.endedAt) - Date.parse(record.startedAt);
  writeJsonAtomically(join(seriesDir, RECORD_FILE), record);
  return record;
}

function emptyRecord(seriesDir: string, manifest: SeriesManifest): RunRecord {
  return {
    schemaVersion: RUN_SCHEMA_VERSION,
    kind: 'run',
    id: basename(seriesDir),
    directory: seriesDir,
    status: 'running',
    verdict: 'incomplete',
    verdictReason: 'being analysed',
    scenario: {
      name: `monitor: ${basename(manifest.script)}`,
      file: manifest.script,
      mode: 'script',
      builtin: false,
    },
    runtime: {
      spec: 'monitor',
      version: manifest.nodeVersion,
      v8Version: manifest.v8Version,
      path: manifest.execPath,
      source: 'system',
    },
    command: manifest.command,
    environment: describeEnvironment(),
    schedule: {
      snapshots: manifest.snapshots.length,
      everyIterations: null,
      everyMs: manifest.everyMs,
      warmupSnapshots: 1,
    },
    startedAt: manifest.startedAt,
    endedAt: null,
    wallMs: 0,
    exit: { reason: 'completed', code: null, signal: null },
    xUnit: 'ms',
    snapshots: [],
    tracks: [],
    structures: [],
    classes: [],
  };
}
