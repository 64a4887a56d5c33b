// The case heapdrift grew out of, end to end through growth/: the retained-maps scenario run
// by real Node 22.14.0 (affected) and 22.15.0 (fixed) binaries, a snapshot every 20 passes,
// structures measured and tracked, and the verdicts on NativeContext > retained_maps.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { measureStructures } from '../src/growth/structures.js';
import { type GrowthReport, SeriesTracker } from '../src/growth/track.js';
import { readHeapSnapshot } from '../src/snapshot/read.js';
import { nodeBinary, testCacheDir } from './helpers/node-binaries.js';

const PASSES = 160;
const PASSES_PER_SNAPSHOT = 20;
/** The scenario's source in the repository (dist/test/… → src/scenarios/…). */
const scenarioFile = fileURLToPath(new URL('../../src/scenarios/retained-maps.cjs', import.meta.url));

interface SnapshotRun {
  files: string[];
  passes: number[];
  elapsedMs: number[];
}

/** Runs the scenario under `version`, snapshotting after every 20 passes; cached per scenario source. */
async function retainedMapsRun(version: string): Promise<SnapshotRun> {
  const source = readFileSync(scenarioFile, 'utf8');
  const hash = createHash('sha256')
    .update(`${source}${PASSES}/${PASSES_PER_SNAPSHOT}`)
    .digest('hex')
    .slice(0, 12);
  const dir = join(testCacheDir, 'growth-series', `retained-maps-${version}-${hash}`);
  const logFile = join(dir, 'run.json');
  if (existsSync(logFile)) return JSON.parse(readFileSync(logFile, 'utf8')) as SnapshotRun;
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  const script = `
    const scenario = require(${JSON.stringify(scenarioFile)});
    const { writeHeapSnapshot } = require('v8');
    const { join } = require('path');
    const passes = [], elapsedMs = [];
    const start = Date.now();
    scenario.setup();
    for (let pass = 0; pass <= ${PASSES}; pass++) {
      if (pass % ${PASSES_PER_SNAPSHOT} === 0) {
        gc();
        writeHeapSnapshot(join(${JSON.stringify(staging)}, 'snapshot-' + pass + '.heapsnapshot'));
        passes.push(pass);
        elapsedMs.push(Date.now() - start);
      }
      if (pass < ${PASSES}) scenario.iteration(pass);
    }
    require('fs').writeFileSync(${JSON.stringify(join(staging, 'log.json'))}, JSON.stringify({ passes, elapsedMs }));
  `;
  await promisify(execFile)(nodeBinary(version), ['--expose-gc', '-e', script]);
  const log = JSON.parse(readFileSync(join(staging, 'log.json'), 'utf8')) as Omit<SnapshotRun, 'files'>;
  const run: SnapshotRun = {
    ...log,
    files: log.passes.map((pass) => join(dir, `snapshot-${pass}.heapsnapshot`)),
  };
  writeFileSync(join(staging, 'run.json'), JSON.stringify(run), { mode: 0o600 });
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(logFile)) throw error;
  }
  return run;
}

async function track(run: SnapshotRun): Promise<GrowthReport> {
  const tracker = new SeriesTracker({ xUnit: 'iteration' });
  tracker.trackQuery('retained maps', 'NativeContext > retained_maps');
  for (const [index, file] of run.files.entries()) {
    const graph = await readHeapSnapshot(file);
    tracker.add(index, run.passes[index]!, measureStructures(graph, tracker.keys), run.elapsedMs[index]);
  }
  return tracker.analyze();
}

function selfSizeVerdict(report: GrowthReport) {
  const track = report.namedTracks.find((named) => named.name === 'retained maps')!;
  return track.metrics.find((metric) => metric.metric === 'selfSize')!;
}

describe('retained_maps on real Node binaries', () => {
  let affected: GrowthReport;
  let fixed: GrowthReport;
  before(async () => {
    // Both processes at once: the machine has two cores.
    const [affectedRun, fixedRun] = await Promise.all([
      retainedMapsRun('22.14.0'),
      retainedMapsRun('22.15.0'),
    ]);
    affected = await track(affectedRun);
    fixed = await track(fixedRun);
  });

  it('finds the leak on 22.14.0: named track and discovered structure both growing', () => {
    const selfSize = selfSizeVerdict(affected);
    assert.equal(selfSize.verdict.verdict, 'growing', `${selfSize.series} ${selfSize.verdict.reason}`);
    assert.ok(selfSize.series.at(-1)! > 20_000, `${selfSize.series}`);
    assert.ok(selfSize.verdict.slopePer1000Iterations! > 0 && selfSize.verdict.slopePerHour > 0);
    assert.equal(affected.verdict, 'leak', affected.reason);
    const discovered = affected.structures.find(
      (structure) => structure.label === 'NativeContext > retained_maps',
    );
    assert.equal(discovered?.verdict, 'growing', affected.reason);
    // Its live entries stay few: the capacity grows, not the contents.
    const entries = affected.namedTracks[0]!.metrics.find((metric) => metric.metric === 'edgeCount')!;
    assert.notEqual(entries.verdict.verdict, 'growing', `${entries.series}`);
  });

  it('calls 22.15.0 stable: a few steps to a small high-water mark', () => {
    const selfSize = selfSizeVerdict(fixed);
    assert.equal(selfSize.verdict.verdict, 'stable', `${selfSize.series} ${selfSize.verdict.reason}`);
    assert.ok(selfSize.series.at(-1)! < 8192, `${selfSize.series}`);
    assert.equal(fixed.verdict, 'no-leak', fixed.reason);
  });
});
