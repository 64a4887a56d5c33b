// How captures end when things go wrong, with real child processes: a crash and an
// out-of-memory death are told apart and keep the snapshots taken so far, stop() ends a child
// promptly, a snapshot that cannot complete is a timeout (not a hang), and a child never
// outlives its parent, which on SIGINT still reports what was captured.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type CaptureEvent, type CaptureSession, startCapture } from '../src/capture/index.js';
import { nodeBinary } from './helpers/node-binaries.js';

const workDirectory = mkdtempSync(join(tmpdir(), 'heapdrift-capture-failures-'));
after(() => rmSync(workDirectory, { recursive: true, force: true }));

function scenario(name: string, source: string): string {
  const file = join(workDirectory, name);
  writeFileSync(file, source);
  return file;
}

const busyForever = scenario(
  'busy.js',
  'globalThis.kept = []; for (let i = 0; ; i++) if (i % 1e7 === 0) kept.push(i);',
);
const crashing = scenario(
  'crash.js',
  `const start = Date.now(); while (Date.now() - start < 700); throw new Error('boom from the scenario');`,
);
const failingIteration = scenario(
  'failing-iteration.mjs',
  `export function iteration(i) { if (i === 1000) throw new Error('iteration ' + i + ' failed'); }`,
);
const exhausting = scenario(
  'oom.js',
  'globalThis.kept = []; while (true) globalThis.kept.push(new Array(100000).fill(globalThis.kept.length));',
);
/**
 * Busy, then blocked in a synchronous native call: no JavaScript runs, so the interrupt that
 * takes a snapshot is never served. (Atomics.wait is not a good blocker: V8 serves interrupts
 * inside it, most of the time.)
 */
const blocked = scenario(
  'blocked.js',
  `const start = Date.now(); while (Date.now() - start < 300);
   require('node:child_process').execFileSync('sleep', ['30']);`,
);
const iterating = scenario(
  'iterate.cjs',
  `globalThis.kept = [];
   exports.iteration = (i) => { if (i % 1000 === 0) kept.push({ i }); };
   exports.teardown = () => console.log('teardown ran');`,
);

async function collect(
  session: CaptureSession,
  onEvent?: (event: CaptureEvent) => void,
): Promise<CaptureEvent[]> {
  const events: CaptureEvent[] = [];
  for await (const event of session) {
    events.push(event);
    onEvent?.(event);
  }
  return events;
}

function isRunning(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

describe('capture failures', () => {
  it('reports a crash with the snapshots taken so far', async () => {
    const events = await collect(
      startCapture({
        nodePath: nodeBinary('system'),
        scenarioFile: crashing,
        mode: 'script',
        every: { ms: 200 },
        snapshotDir: join(workDirectory, 'crash'),
      }),
    );
    const snapshots = events.filter((event) => event.type === 'snapshot');
    assert.ok(snapshots.length >= 1);
    for (const snapshot of snapshots) assert.ok(existsSync(snapshot.file));
    const exit = events.at(-1);
    assert.equal(exit?.type, 'exit');
    assert.equal(exit.reason, 'crashed');
    assert.equal(exit.code, 1);
    assert.equal(exit.snapshots, snapshots.length);
    assert.match(exit.stderrTail, /boom from the scenario/);
  });

  it('reports an iteration that throws as a crash', async () => {
    const events = await collect(
      startCapture({
        nodePath: nodeBinary('system'),
        scenarioFile: failingIteration,
        mode: 'iterations',
        every: { iterations: 500 },
        snapshotDir: join(workDirectory, 'failing-iteration'),
      }),
    );
    const exit = events.at(-1);
    assert.equal(exit?.type, 'exit');
    assert.equal(exit.reason, 'crashed');
    assert.equal(exit.code, 1);
    assert.match(exit.stderrTail, /Error: iteration 1000 failed/);
    assert.equal(exit.snapshots, 3, 'baseline, 500 and 1000 iterations');
  });

  for (const version of ['system', '24.21.0']) {
    it(`tells out-of-memory from a crash on Node ${version}`, async () => {
      const events = await collect(
        startCapture({
          nodePath: nodeBinary(version),
          scenarioFile: exhausting,
          mode: 'script',
          every: { ms: 60_000 },
          nodeArgs: ['--max-old-space-size=32'],
          snapshotDir: join(workDirectory, `oom-${version}`),
        }),
      );
      const exit = events.at(-1);
      assert.equal(exit?.type, 'exit');
      assert.equal(exit.reason, 'out-of-memory', exit.stderrTail);
      assert.equal(exit.snapshots, 1, 'the baseline was captured before');
    });
  }

  it('stop() ends a busy script promptly', async () => {
    const session = startCapture({
      nodePath: nodeBinary('system'),
      scenarioFile: busyForever,
      mode: 'script',
      every: { ms: 60_000 },
      snapshotDir: join(workDirectory, 'stop-script'),
    });
    let stoppedAt = 0;
    const events = await collect(session, (event) => {
      if (event.type === 'snapshot') {
        stoppedAt = Date.now();
        void session.stop();
      }
    });
    const exit = events.at(-1);
    assert.equal(exit?.type, 'exit');
    assert.equal(exit.reason, 'stopped');
    assert.equal(exit.snapshots, 1);
    assert.ok(Date.now() - stoppedAt < 2000, `stopped after ${Date.now() - stoppedAt} ms`);
    assert.ok(!isRunning(session.pid!));
  });

  it('stop() ends an iteration scenario through its teardown', async () => {
    const session = startCapture({
      nodePath: nodeBinary('system'),
      scenarioFile: iterating,
      mode: 'iterations',
      every: { iterations: 1e9 },
      snapshotDir: join(workDirectory, 'stop-iterations'),
    });
    // Once an iteration has surely run: a stop right after the baseline may win the race.
    const events = await collect(session, (event) => {
      if (event.type === 'sample' && event.iteration! > 0) void session.stop();
    });
    const exit = events.at(-1);
    assert.equal(exit?.type, 'exit');
    assert.equal(exit.reason, 'stopped');
    assert.equal(exit.code, 0);
    assert.ok(exit.iterations! > 0);
    assert.match(exit.stdoutTail, /teardown ran/);
    assert.deepEqual(
      events.find((event) => event.type === 'stopping'),
      { type: 'stopping', reason: 'parent' },
    );
  });

  it('a snapshot that cannot complete is a timeout, not a hang', async () => {
    const events = await collect(
      startCapture({
        nodePath: nodeBinary('system'),
        scenarioFile: blocked,
        mode: 'script',
        every: { ms: 500 },
        snapshotTimeoutMs: 1000,
        snapshotDir: join(workDirectory, 'timeout'),
      }),
    );
    const error = events.find((event) => event.type === 'error');
    assert.equal(error?.type, 'error');
    assert.equal(error.code, 'snapshot-timeout');
    const exit = events.at(-1);
    assert.equal(exit?.type, 'exit');
    assert.equal(exit.reason, 'timeout');
    assert.equal(exit.snapshots, events.filter((event) => event.type === 'snapshot').length);
  });
});

describe('the child and its parent', () => {
  const captureModule = fileURLToPath(new URL('../src/capture/index.js', import.meta.url));
  /** A parent process that captures busy.js forever and prints its events as JSON lines. */
  const parentProgram = scenario(
    'parent.mjs',
    `import { startCapture } from ${JSON.stringify(captureModule)};
     const session = startCapture({
       nodePath: process.execPath, scenarioFile: ${JSON.stringify(busyForever)}, mode: 'script',
       every: { ms: 60000 }, snapshotDir: ${JSON.stringify(join(workDirectory, 'parent'))},
     });
     for await (const event of session) {
       if (event.type !== 'sample') console.log(JSON.stringify({ type: event.type, pid: event.pid, reason: event.reason }));
     }
    `,
  );

  /** Starts parent.mjs; next() resolves with its next JSON line, or { type: 'parent-ended', stderr }. */
  function startParent(): { parent: ChildProcess; next: () => Promise<Record<string, unknown>> } {
    const parent = spawn(process.execPath, [parentProgram], { stdio: ['ignore', 'pipe', 'pipe'] });
    const waiting: ((line: Record<string, unknown>) => void)[] = [];
    const received: Record<string, unknown>[] = [];
    const deliver = (line: Record<string, unknown>) => {
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else received.push(line);
    };
    let buffered = '';
    let stderr = '';
    parent.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    parent.stdout!.on('data', (chunk) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        deliver(JSON.parse(buffered.slice(0, newline)));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
    });
    parent.on('close', () => {
      for (let pending = waiting.length; pending > 0; pending--) deliver({ type: 'parent-ended', stderr });
      received.push({ type: 'parent-ended', stderr });
    });
    const next = () =>
      received.length > 0
        ? Promise.resolve(received.shift()!)
        : new Promise<Record<string, unknown>>((resolve) => waiting.push(resolve));
    return { parent, next };
  }

  async function nextOfType(next: () => Promise<Record<string, unknown>>, type: string) {
    const line = await next();
    assert.equal(line.type, type, JSON.stringify(line));
    return line;
  }

  it('a child never outlives a parent killed with SIGKILL', async () => {
    const { parent, next } = startParent();
    const childPid = Number((await nextOfType(next, 'ready')).pid);
    await nextOfType(next, 'snapshot');
    assert.ok(isRunning(childPid));
    parent.kill('SIGKILL');
    assert.ok(await waitFor(() => !isRunning(childPid), 3000), 'the child ended with its parent');
  });

  it('SIGINT to the parent stops the child and the parent still reports', async () => {
    const { parent, next } = startParent();
    const childPid = Number((await nextOfType(next, 'ready')).pid);
    await nextOfType(next, 'snapshot');
    const exited = new Promise<number | null>((resolve) => parent.on('exit', (code) => resolve(code)));
    parent.kill('SIGINT');
    let line = await next();
    while (line.type !== 'exit' && line.type !== 'parent-ended') line = await next();
    assert.equal(line.reason, 'stopped', JSON.stringify(line));
    assert.equal(await exited, 0, 'the parent exits normally once the capture ended');
    assert.ok(!isRunning(childPid));
  });
});
