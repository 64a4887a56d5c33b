// Captures of a plain script whose main thread never yields (`while (true)`), on real Node
// binaries 20, 22.14.0 and 24: snapshots arrive on a time schedule, are valid private heap
// snapshot files, samples come between them, and the child listens on no network port.

import assert from 'node:assert/strict';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type CaptureEvent, type SnapshotEvent, startCapture } from '../src/capture/index.js';
import { UserError } from '../src/errors.js';
import { nodeBinary } from './helpers/node-binaries.js';

const workDirectory = mkdtempSync(join(tmpdir(), 'heapdrift-capture-'));
after(() => rmSync(workDirectory, { recursive: true, force: true }));

const busyScript = join(workDirectory, 'busy.js');
writeFileSync(
  busyScript,
  `globalThis.kept = [];
   let counter = 0;
   while (true) { counter++; if (counter % 1e6 === 0) globalThis.kept.push({ counter }); }
  `,
);

/** Inodes of the sockets `pid` has open that are in LISTEN state (TCP, IPv4 and IPv6). */
function listeningSocketsOf(pid: number): string[] {
  const socketInodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) socketInodes.add(match[1]!);
    } catch {
      // closed while listing
    }
  }
  const listening: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns[3] === '0A' && socketInodes.has(columns[9]!)) listening.push(columns[9]!);
    }
  }
  return listening;
}

for (const version of ['system', '22.14.0', '24.21.0']) {
  describe(`capture of a busy script on Node ${version}`, () => {
    it('takes snapshots on a time schedule while the main thread never yields', async () => {
      const snapshotDir = join(workDirectory, `snapshots-${version}`);
      const session = startCapture({
        nodePath: nodeBinary(version),
        scenarioFile: busyScript,
        mode: 'script',
        every: { ms: 800 },
        maxSnapshots: 3,
        sampleMs: 50,
        snapshotDir,
      });
      const events: CaptureEvent[] = [];
      let commandLine = '';
      let listening: string[] = [];
      for await (const event of session) {
        events.push(event);
        if (event.type === 'ready') {
          commandLine = readFileSync(`/proc/${event.pid}/cmdline`, 'utf8');
        }
        if (event.type === 'snapshot' && event.index === 1) listening = listeningSocketsOf(session.pid!);
      }

      const ready = events[0];
      assert.equal(ready?.type, 'ready');
      const expectedVersion = version === 'system' ? process.version : `v${version}`;
      assert.equal(ready.nodeVersion, expectedVersion);
      assert.equal(ready.pid, session.pid);

      const snapshots = events.filter((event): event is SnapshotEvent => event.type === 'snapshot');
      assert.deepEqual(
        snapshots.map((snapshot) => [snapshot.index, snapshot.trigger, snapshot.iteration]),
        [
          [0, 'baseline', null],
          [1, 'time', null],
          [2, 'time', null],
        ],
      );
      // Slots are multiples of 800 ms from the start; a snapshot is never taken early.
      for (const snapshot of snapshots) {
        assert.ok(
          snapshot.elapsedMs >= snapshot.index * 800 - 1,
          `snapshot ${snapshot.index} at ${snapshot.elapsedMs} ms`,
        );
      }
      for (const snapshot of snapshots) {
        assert.equal(statSync(snapshot.file).mode & 0o777, 0o600, snapshot.file);
        assert.ok(snapshot.captureMs > 0 && snapshot.captureMs >= snapshot.writeMs);
        assert.equal(snapshot.sample.afterGc, true);
        assert.ok(snapshot.sample.heap.number_of_native_contexts >= 1);
      }
      // A small snapshot is valid JSON described by its own meta.
      const parsed = JSON.parse(readFileSync(snapshots[0]!.file, 'utf8'));
      assert.ok(Array.isArray(parsed.snapshot.meta.node_fields));
      assert.equal(parsed.nodes.length % parsed.snapshot.meta.node_fields.length, 0);
      assert.deepEqual(
        readdirSync(snapshotDir).sort(),
        snapshots.map((snapshot) => snapshot.file.slice(snapshotDir.length + 1)).sort(),
      );

      const samples = events.filter((event) => event.type === 'sample');
      assert.ok(
        samples.length >= 1,
        `cheap samples arrive between snapshots: ${JSON.stringify(snapshots.map((snapshot) => [snapshot.elapsedMs, snapshot.captureMs]))}`,
      );
      for (const sample of samples) {
        assert.equal(sample.afterGc, false);
        assert.ok(sample.memory.heapUsed > 0 && sample.spaces.length > 0);
        assert.ok(sample.heap.number_of_detached_contexts >= 0);
      }

      const exit = events.at(-1);
      assert.equal(exit?.type, 'exit');
      assert.equal(exit.reason, 'completed', exit.stderrTail);
      assert.equal(exit.snapshots, 3);
      assert.equal(exit.iterations, null);

      // No inspector port: not requested, not announced, not listening.
      assert.ok(!/--inspect/.test(commandLine), commandLine);
      assert.ok(!exit.stderrTail.includes('Debugger listening'), exit.stderrTail);
      assert.deepEqual(listening, []);
    });
  });
}

describe('capture options', () => {
  it('refuses a schedule that cannot work, naming the option', () => {
    const base = { nodePath: process.execPath, scenarioFile: busyScript, snapshotDir: workDirectory };
    assert.throws(() => startCapture({ ...base, mode: 'script', every: {} }), UserError);
    assert.throws(
      () => startCapture({ ...base, mode: 'script', every: { iterations: 10 } }),
      /every.iterations needs an iteration scenario/,
    );
    assert.throws(
      () =>
        startCapture({
          ...base,
          scenarioFile: join(workDirectory, 'missing.js'),
          mode: 'script',
          every: { ms: 5 },
        }),
      /scenarioFile: no such file/,
    );
  });
});
