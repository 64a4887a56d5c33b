// Turns a snapshot series the monitor wrote into a run record (run.json) that
// `heapdrift report` renders: each snapshot measured and judged by the same record keeper as a
// run's (structures, classes, findings). Runs in a child process, off the service's thread.

import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MINIMUM_SAMPLES } from '../growth/index.js';
import { newRecord, RecordKeeper, type RunRecord } from '../run/index.js';

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
  /** Snapshots planned (absent in manifests written before it existed: those taken). */
  count?: number;
  /** Why the series stopped before `count` snapshots, or null. */
  stopped?: string | null;
  snapshots: { file: string; elapsedMs: number; heapUsed: number; captureMs: number }[];
}

export const MANIFEST_FILE = 'series.json';
export const RECORD_FILE = 'run.json';

/** The first snapshot of a series is a baseline, not judged (as a run's warm-up). */
const WARMUP_SNAPSHOTS = 1;
/** The fewest snapshots a series can be judged from: the baseline and the verdict's minimum samples. */
export const SERIES_MINIMUM_SNAPSHOTS = WARMUP_SNAPSHOTS + MINIMUM_SAMPLES;

export async function analyseSnapshotSeries(seriesDir: string): Promise<RunRecord> {
  const manifest = JSON.parse(readFileSync(join(seriesDir, MANIFEST_FILE), 'utf8')) as SeriesManifest;
  const keeper = new RecordKeeper(seriesRecord(seriesDir, manifest), {
    tracks: [],
    warmupSnapshots: WARMUP_SNAPSHOTS,
  });
  for (const [index, snapshot] of manifest.snapshots.entries()) {
    await keeper.add(join(seriesDir, snapshot.file), {
      index,
      iteration: null,
      elapsedMs: snapshot.elapsedMs,
      heapUsed: snapshot.heapUsed,
      captureMs: snapshot.captureMs,
    });
  }
  keeper.record.exit = { reason: 'completed', code: null, signal: null };
  const taken = manifest.snapshots.length;
  const record = keeper.finish(taken >= SERIES_MINIMUM_SNAPSHOTS, 'too few snapshots');
  if (taken < SERIES_MINIMUM_SNAPSHOTS) record.verdictReason = tooShort(manifest);
  else if (manifest.stopped)
    record.verdictReason += `; the series stopped after ${taken} of ${manifest.count} snapshots: ${manifest.stopped}`;
  keeper.write();
  return record;
}

/** Why a short series was not judged, and what to change so the next one can be. */
function tooShort(manifest: SeriesManifest): string {
  const taken = manifest.snapshots.length;
  const planned = manifest.count ?? taken;
  const why =
    taken < planned
      ? `the series stopped after ${taken} of ${planned} snapshots (${manifest.stopped ?? 'the monitor stopped'})`
      : `the series was planned with ${planned} snapshots`;
  return `not judged: ${why}; a verdict needs at least ${SERIES_MINIMUM_SNAPSHOTS} (a baseline and ${MINIMUM_SAMPLES} judged)`;
}

function seriesRecord(seriesDir: string, manifest: SeriesManifest): RunRecord {
  const startedAt = new Date(manifest.startedAt);
  return newRecord({ id: basename(seriesDir), directory: seriesDir }, startedAt, {
    kind: 'run',
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
    schedule: {
      snapshots: manifest.snapshots.length,
      everyIterations: null,
      everyMs: manifest.everyMs,
      warmupSnapshots: WARMUP_SNAPSHOTS,
    },
    xUnit: 'ms',
  });
}
