// Captures of iteration scenarios (a module exporting setup / iteration / teardown) in real
// Node 20, 22.14.0 and 24 children: snapshots every K iterations land exactly on iteration
// boundaries, the baseline comes after setup, limits end the run through teardown, and
// async ES-module iterations work on a time schedule.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type CaptureEvent, type SnapshotEvent, startCapture } from '../src/capture/index.js';
import { nodeBinary } from './helpers/node-binaries.js';

const workDirectory = mkdtempSync(join(tmpdir(), 'heapdrift-capture-iterations-'));
after(() => rmSync(workDirectory, { recursive: true, force: true }));

/** Keeps one object per 100 iterations; setup and teardown leave traces the test can see. */
const commonJsScenario = join(workDirectory, 'growing.cjs');
writeFileSync(
  commonJsScenario,
  `exports.setup = () => { globalThis.kept = []; globalThis.setupDone = true; };
   exports.iteration = (i) => {
     if (!globalThis.setupDone) throw new Error('iteration before setup');
     if (i % 100 === 0) globalThis.kept.push({ i });
   };
   exports.teardown = () => { console.log('teardown after ' + globalThis.kept.length + ' kept'); };
  `,
);

/** Awaits a timer each iteration: the main thread yields, the loop is asynchronous. */
const asyncModuleScenario = join(workDirectory, 'async.mjs');
writeFileSync(
  asyncModuleScenario,
  `const kept = (globalThis.kept = []);
   export async function iteration(i) {
     await new Promise((resolve) => setTimeout(resolve, 1));
     kept.push({ i });
   }
  `,
);

async function collect(session: AsyncIterable<CaptureEvent>): Promise<CaptureEvent[]> {
  const events: CaptureEvent[] = [];
  for await (const event of session) events.push(event);
  return events;
}

function snapshotsOf(events: CaptureEvent[]): SnapshotEvent[] {
  return events.filter((event): event is SnapshotEvent => event.type === 'snapshot');
}

for (const version of ['system', '22.14.0', '24.21.0']) {
  describe(`iteration scenario on Node ${version}`, () => {
    it('snapshots every K iterations with exact iteration counts', async () => {
      const events = await collect(
        startCapture({
          nodePath: nodeBinary(version),
          scenarioFile: commonJsScenario,
          mode: 'iterations',
          every: { iterations: 5000 },
          maxSnapshots: 3,
          snapshotDir: join(workDirectory, `snapshots-${version}`),
        }),
      );
      const snapshots = snapshotsOf(events);
      assert.deepEqual(
        snapshots.map((snapshot) => [snapshot.index, snapshot.trigger, snapshot.iteration]),
        [
          [0, 'baseline', 0],
          [1, 'iterations', 5000],
          [2, 'iterations', 10000],
        ],
      );
      for (const snapshot of snapshots) assert.equal(snapshot.sample.iteration, snapshot.iteration);
      assert.deepEqual(
        events.find((event) => event.type === 'stopping'),
        {
          type: 'stopping',
          reason: 'max-snapshots',
        },
      );
      const exit = events.at(-1);
      assert.equal(exit?.type, 'exit');
      assert.equal(exit.reason, 'completed');
      assert.equal(exit.code, 0);
      assert.equal(exit.iterations, 10000);
      assert.match(exit.stdoutTail, /teardown after 100 kept/);
      assert.equal(exit.stderrTail, '', 'nothing on stderr (no inspector chatter at exit)');
    });
  });
}

describe('capture without stable object ids', () => {
  it('still writes valid snapshots after clearing the id map each time', async () => {
    const events = await collect(
      startCapture({
        nodePath: nodeBinary('system'),
        scenarioFile: commonJsScenario,
        mode: 'iterations',
        every: { iterations: 5000 },
        maxSnapshots: 2,
        stableObjectIds: false,
        snapshotDir: join(workDirectory, 'snapshots-unstable-ids'),
      }),
    );
    const snapshots = snapshotsOf(events);
    assert.deepEqual(
      snapshots.map((snapshot) => snapshot.iteration),
      [0, 5000],
    );
    const parsed = JSON.parse(readFileSync(snapshots[1]!.file, 'utf8'));
    assert.ok(parsed.snapshot.node_count > 0 && Array.isArray(parsed.snapshot.meta.node_fields));
    const exit = events.at(-1);
    assert.equal(exit?.type === 'exit' ? exit.reason : exit?.type, 'completed');
  });
});

describe('async ES-module iteration scenario', () => {
  it('runs on a time schedule until the duration limit', async () => {
    const events = await collect(
      startCapture({
        nodePath: nodeBinary('24.21.0'),
        scenarioFile: asyncModuleScenario,
        mode: 'iterations',
        every: { ms: 400 },
        durationMs: 1500,
        sampleMs: 100,
        snapshotDir: join(workDirectory, 'snapshots-async'),
      }),
    );
    const snapshots = snapshotsOf(events);
    assert.ok(snapshots.length >= 2, `${snapshots.length} snapshots`);
    assert.equal(snapshots[0]!.iteration, 0);
    for (let index = 1; index < snapshots.length; index++) {
      assert.equal(snapshots[index]!.trigger, 'time');
      assert.ok(snapshots[index]!.iteration! > snapshots[index - 1]!.iteration!, 'iterations advance');
    }
    const samples = events.filter((event) => event.type === 'sample');
    assert.ok(samples.length >= 2, 'samples are served while the main thread waits on timers');
    assert.deepEqual(
      events.find((event) => event.type === 'stopping'),
      { type: 'stopping', reason: 'duration' },
    );
    const exit = events.at(-1);
    assert.equal(exit?.type, 'exit');
    assert.equal(exit.reason, 'completed');
    assert.ok(exit.iterations! >= snapshots.at(-1)!.iteration!);
  });
});
