// The case heapdrift grew out of, end to end through growth/: the retained-maps scenario run
// by real Node 22.14.0 (affected) and 22.15.0 (fixed) binaries, a snapshot every 20 passes,
// structures measured and tracked, and the verdicts on NativeContext > retained_maps; and a
// leak whose steps pause, judged with and without what the scenario knows about its structure.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { measureStructures } from '../src/growth/structures.js';
import { type GrowthReport, type KnownStructures, SeriesTracker } from '../src/growth/track.js';
import { builtinScenarios } from '../src/scenarios/index.js';
import { readHeapSnapshot } from '../src/snapshot/read.js';
import { nodeBinary, testCacheDir } from './helpers/node-binaries.js';

interface Schedule {
  passes: number;
  passesPerSnapshot: number;
  /** Passes that run the scenario; after them the process only takes snapshots. */
  leakingPasses: number;
}

const EVERY_20: Schedule = { passes: 160, passesPerSnapshot: 20, leakingPasses: 160 };
/**
 * The scenario's own schedule (16 snapshots, every 8 passes), its work stopping after 64
 * passes: the shape of an affected run whose steps pause, as they can for most of a run under
 * heavy CPU load (the series in growth-verdict.test.ts's step-limit test was measured so).
 */
const PAUSED: Schedule = { passes: 120, passesPerSnapshot: 8, leakingPasses: 64 };
/** The scenario's source in the repository (dist/test/… → src/scenarios/…). */
const scenarioFile = fileURLToPath(new URL('../../src/scenarios/retained-maps.cjs', import.meta.url));

interface SnapshotRun {
  files: string[];
  passes: number[];
  elapsedMs: number[];
}

/** Runs the scenario under `version` on `schedule`; cached per scenario source and schedule. */
async function retainedMapsRun(version: string, schedule: Schedule = EVERY_20): Promise<SnapshotRun> {
  const source = readFileSync(scenarioFile, 'utf8');
  const { passes, passesPerSnapshot, leakingPasses } = schedule;
  const pause = leakingPasses < passes ? `/leaking ${leakingPasses}` : '';
  const hash = createHash('sha256')
    .update(`${source}${passes}/${passesPerSnapshot}${pause}`)
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
    for (let pass = 0; pass <= ${passes}; pass++) {
      if (pass % ${passesPerSnapshot} === 0) {
        gc();
        writeHeapSnapshot(join(${JSON.stringify(staging)}, 'snapshot-' + pass + '.heapsnapshot'));
        passes.push(pass);
        elapsedMs.push(Date.now() - start);
      }
      if (pass < ${Math.min(passes, leakingPasses)}) scenario.iteration(pass);
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

async function track(run: SnapshotRun, knownStructures?: KnownStructures): Promise<GrowthReport> {
  const tracker = new SeriesTracker({ xUnit: 'iteration', ...(knownStructures ? { knownStructures } : {}) });
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

function discoveredSelfSize(report: GrowthReport) {
  const structure = report.structures.find((item) => item.label === 'NativeContext > retained_maps');
  return structure?.metrics.find((metric) => metric.metric === 'selfSize');
}

/** What the retained-maps scenario tells a run about its tracked structure. */
function scenarioKnowledge(): KnownStructures {
  const scenario = builtinScenarios.find((item) => item.name === 'retained-maps')!;
  return { queries: scenario.track!, verdict: scenario.trackVerdict! };
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

describe("a paused leak, judged with the scenario's knowledge wherever the structure is judged", () => {
  let paused: SnapshotRun;
  before(async () => {
    paused = await retainedMapsRun('22.14.0', PAUSED);
  });

  it('is a plateau to the rules alone, and growing as a discovered structure with the step limit', async () => {
    const alone = discoveredSelfSize(await track(paused));
    assert.ok(alone, 'discovery tests retained_maps without being told');
    const steps = `${alone.series}`;
    // No new high for most of the run: the rules alone cannot tell this from a high-water mark.
    assert.deepEqual([alone.verdict.verdict, alone.verdict.decidedBy], ['stable', 'plateau'], steps);
    const knowing = await track(paused, scenarioKnowledge());
    const discovered = discoveredSelfSize(knowing);
    assert.deepEqual(discovered?.series, alone.series);
    assert.deepEqual(
      [discovered?.verdict.verdict, discovered?.verdict.decidedBy],
      ['growing', 'step-limit'],
      `${steps} ${discovered?.verdict.reason}`,
    );
    assert.equal(knowing.verdict, 'leak', knowing.reason);
    assert.ok(
      knowing.findings.some((finding) => finding.path.includes('retained_maps')),
      'the leak has its finding',
    );
  });

  it('leaves a fixed runtime without a growing structure', async () => {
    const fixedRun = await retainedMapsRun('22.15.0');
    const knowing = await track(fixedRun, scenarioKnowledge());
    assert.deepEqual(
      knowing.structures.filter((structure) => structure.verdict === 'growing').map((item) => item.path),
      [],
    );
    assert.equal(knowing.verdict, 'no-leak', knowing.reason);
  });
});
