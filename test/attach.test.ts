// `heapdrift attach` end to end against real services: over --inspect=127.0.0.1:0 (a leaking
// and a stable one, the same scenarios `run` judges leak and no-leak), a pid opened with
// SIGUSR1, and the bad cases: target exits mid-run, blocked loop, unreachable port, not Node.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { InspectorSession, resolveInspectorTarget, TargetGoneError } from '../src/capture/index.js';
import type { AttachSource, RunRecord } from '../src/run/index.js';
import { nodeBinary } from './helpers/node-binaries.js';
import { heapdrift, inspectorAddress, type Service, startService } from './helpers/watched-service.js';

const runsDir = mkdtempSync(join(tmpdir(), 'heapdrift-attach-runs-'));
const services: Service[] = [];

function service(...args: Parameters<typeof startService>): Service {
  const started = startService(...args);
  services.push(started);
  return started;
}

after(() => {
  for (const started of services) started.child.kill('SIGKILL');
});

function attach(target: string, ...flags: string[]) {
  return heapdrift(['attach', target, '--runs-dir', runsDir, '--quiet', '--every', '300ms', ...flags]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function oneLine(stderr: string): void {
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
  assert.match(stderr, /^heapdrift: /);
}

describe('attach over --inspect=127.0.0.1:0', () => {
  test('a leaking service on Node 24: leak, exit 1; the service keeps running, its inspector as it was', async () => {
    const target = service(nodeBinary('24.21.0'), 'map-leak', { nodeArgs: ['--inspect=127.0.0.1:0'] });
    await target.ready;
    const result = await attach(await inspectorAddress(target), '--snapshots', '8', '--json');
    assert.equal(result.status, 1, result.stderr);
    const record = JSON.parse(result.stdout) as RunRecord;
    assert.equal(record.kind, 'attach');
    assert.equal(record.verdict, 'leak', record.verdictReason);
    assert.equal(record.runtime.version, '24.21.0');
    assert.equal(record.snapshots.length, 8);
    assert.ok(
      record.classes.some((entry) => entry.className === 'LeakySession' && entry.verdict === 'growing'),
    );
    const source = record.source as AttachSource;
    assert.equal(source.openedInspector, false);
    assert.equal(source.inspectorAfter, 'listening');
    assert.match(result.stderr, /already open before heapdrift attached/);
    assert.ok(alive(target.child.pid!));
    const saved = JSON.parse(readFileSync(join(record.directory, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(saved.status, 'complete');
  });

  test('a stable service on Node 20: no leak, exit 0', async () => {
    const target = service(nodeBinary('system'), 'churn-objects', { nodeArgs: ['--inspect=127.0.0.1:0'] });
    await target.ready;
    // 12: after the 2 warm-up snapshots, a structure caught only now and then (objects in flight;
    // its absences are gaps when at most 1 in 4) still has the 6 samples a verdict needs.
    const result = await attach(await inspectorAddress(target), '--snapshots', '12', '--json');
    assert.equal(result.status, 0, result.stderr);
    const record = JSON.parse(result.stdout) as RunRecord;
    assert.equal(record.verdict, 'no-leak', record.verdictReason);
  });
});

describe('attach to a pid', () => {
  test('opens the inspector with SIGUSR1, finds its port, and says it still listens', async () => {
    // --inspect-port=0: the inspector SIGUSR1 opens takes a free port, not a shared 9229.
    const target = service(nodeBinary('system'), 'churn-objects', { nodeArgs: ['--inspect-port=0'] });
    await target.ready;
    const result = await attach(String(target.child.pid), '--snapshots', '3', '--keep-snapshots', '--json');
    const record = JSON.parse(result.stdout) as RunRecord;
    assert.equal(record.snapshots.length, 3, result.stderr);
    // --keep-snapshots: private files that `series` reads back as the same process.
    const kept = join(record.directory, 'snapshots');
    assert.equal(statSync(kept).mode & 0o777, 0o700);
    const files = readdirSync(kept).map((name) => join(kept, name));
    assert.equal(files.length, 3);
    for (const file of files) assert.equal(statSync(file).mode & 0o777, 0o600);
    const series = await heapdrift(['series', kept, '--runs-dir', runsDir, '--quiet', '--json']);
    const reread = JSON.parse(series.stdout) as RunRecord;
    assert.equal(reread.snapshots.length, 3, series.stderr);
    assert.equal(reread.runtime.version, process.versions.node);
    assert.deepEqual(
      reread.snapshots.map((row) => row.nodeCount),
      record.snapshots.map((row) => row.nodeCount),
    );
    const source = record.source as AttachSource;
    assert.equal(source.openedInspector, true);
    assert.equal(source.pid, target.child.pid);
    assert.equal(source.inspectorAfter, 'listening');
    assert.match(result.stderr, /opened it with SIGUSR1 and it is still listening on 127\.0\.0\.1:\d+/);
    assert.ok(alive(target.child.pid!));
  });

  test('--close-inspector closes the inspector it opened; the process lives on', async () => {
    const target = service(nodeBinary('system'), 'churn-objects', { nodeArgs: ['--inspect-port=0'] });
    await target.ready;
    const result = await attach(String(target.child.pid), '--snapshots', '3', '--close-inspector', '--json');
    const record = JSON.parse(result.stdout) as RunRecord;
    assert.equal((record.source as AttachSource).inspectorAfter, 'closed', result.stderr);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(alive(target.child.pid!));
  });

  test('a pid that is not Node: one line, exit 2, not signalled, nothing saved', async () => {
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    const before = readdirSync(runsDir).length;
    const result = await attach(String(sleeper.pid));
    assert.equal(result.status, 2);
    oneLine(result.stderr);
    assert.match(result.stderr, /not a Node\.js process \(sleep\)/);
    assert.ok(alive(sleeper.pid!), 'sleep was not signalled');
    assert.equal(readdirSync(runsDir).length, before);
    sleeper.kill();
    await once(sleeper, 'exit');
  });
});

describe('attach: the target goes away or cannot answer', () => {
  test('a target that exits mid-run: exit 2, incomplete, the snapshots so far kept', async () => {
    const target = service(nodeBinary('24.21.0'), 'map-leak', {
      nodeArgs: ['--inspect=127.0.0.1:0'],
      env: { EXIT_AFTER_MS: '6000' },
    });
    await target.ready;
    const result = await attach(await inspectorAddress(target), '--snapshots', '50', '--json');
    assert.equal(result.status, 2);
    const record = JSON.parse(result.stdout) as RunRecord;
    assert.equal(record.verdict, 'incomplete');
    assert.equal(record.status, 'incomplete');
    assert.match(record.verdictReason, /the process exited or closed its inspector|the process is exiting/);
    assert.ok(record.snapshots.length >= 1, 'snapshots before the exit are kept');
    const saved = JSON.parse(readFileSync(join(record.directory, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(saved.snapshots.length, record.snapshots.length);
  });

  test('a target that finishes while attached: the next command fails as gone at once, not by timeout', async () => {
    const target = service(nodeBinary('24.21.0'), 'churn-objects', {
      nodeArgs: ['--inspect=127.0.0.1:0'],
      env: { EXIT_AFTER_MS: '1500' },
    });
    await target.ready;
    const exited = once(target.child, 'exit');
    const session = await InspectorSession.connect(
      await resolveInspectorTarget(await inspectorAddress(target)),
    );
    // A process that exits with a session attached waits for it to leave, and on Node 22+
    // never answers a heap command sent meanwhile: without the exit notice the snapshot that
    // follows the exit would end in its 60 s timeout instead.
    let failure: unknown;
    for (let snapshot = 0; snapshot < 500 && failure === undefined; snapshot++)
      await session.snapshot(60_000).catch((error: unknown) => {
        failure = error;
      });
    assert.ok(failure instanceof TargetGoneError, String(failure));
    assert.match(failure.message, /the process is exiting/);
    await session.leave(false);
    await exited; // it was only waiting for this session to leave
  });

  test('a target whose loop is blocked on Node 24: the snapshot times out with a clear line', async () => {
    const target = service(nodeBinary('24.21.0'), 'churn-objects', {
      nodeArgs: ['--inspect=127.0.0.1:0'],
      env: { BUSY_AFTER_MS: '200' },
    });
    await target.ready;
    const address = await inspectorAddress(target);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const result = await attach(address, '--snapshots', '3', '--snapshot-timeout', '3s', '--json');
    assert.equal(result.status, 2);
    const record = JSON.parse(result.stdout) as RunRecord;
    assert.equal(record.verdict, 'incomplete');
    assert.match(
      record.verdictReason,
      /did not finish a heap snapshot within 3 s: its event loop is probably blocked/,
    );
    assert.ok(alive(target.child.pid!));
  });

  test('an unreachable port and a non-loopback host: one line, exit 2, nothing saved', async () => {
    const before = readdirSync(runsDir).length;
    for (const [target, pattern] of [
      ['127.0.0.1:1', /127\.0\.0\.1:1: no Node\.js inspector reachable \(nothing is listening there\)/],
      ['10.1.2.3:9229', /not a loopback address; pass --host 10\.1\.2\.3/],
      ['nonsense', /expected a pid, host:port/],
    ] as const) {
      const result = await attach(target);
      assert.equal(result.status, 2, target);
      oneLine(result.stderr);
      assert.match(result.stderr, pattern);
    }
    assert.equal(readdirSync(runsDir).length, before);
  });
});

describe('attach: a target that cannot afford a snapshot', () => {
  test('each snapshot is refused in one line, three in a row end the attach; the target lives on', async () => {
    // A real target with a retained heap and a small heap limit; asking for more free memory
    // than the machine has (in multiples of its used heap, at least 1 MiB) makes it unaffordable.
    const target = service(nodeBinary('24.21.0'), 'map-leak', {
      nodeArgs: ['--inspect=127.0.0.1:0', '--max-old-space-size=64'],
    });
    await target.ready;
    const factor = String(Math.ceil(totalmem() / 2 ** 20) + 1);
    const result = await heapdrift([
      'attach',
      await inspectorAddress(target),
      '--runs-dir',
      runsDir,
      '--every',
      '200ms',
      '--snapshots',
      '5',
      '--memory-factor',
      factor,
      '--json',
    ]);
    assert.equal(result.status, 2, result.stderr);
    const refusals = result.stderr.split('\n').filter((line) => line.includes('snapshot skipped'));
    assert.equal(refusals.length, 3, result.stderr);
    for (const line of refusals)
      assert.match(
        line,
        /^warning: snapshot skipped: the target's heap is [\d.]+ \w+ and a snapshot needs about \d+× that \([\d.]+ \w+\), but only [\d.]+ \w+ is available$/,
      );
    const record = JSON.parse(result.stdout) as RunRecord;
    assert.equal(record.verdict, 'incomplete');
    assert.equal(record.snapshots.length, 0);
    assert.equal((record.source as AttachSource).refused.length, 3);
    assert.match(record.verdictReason, /could not afford a heap snapshot 3 times in a row/);
    assert.ok(alive(target.child.pid!));
    assert.equal(target.child.exitCode, null);
  });

  test('--memory-factor that is not a whole number: one line, exit 2', async () => {
    const result = await heapdrift(['attach', '127.0.0.1:1', '--memory-factor', 'lots']);
    assert.equal(result.status, 2);
    oneLine(result.stderr);
    assert.match(result.stderr, /--memory-factor "lots": expected a whole number/);
  });
});

describe('attach: heapdrift interrupted', () => {
  test('Ctrl-C: exit 2, incomplete, the snapshots so far kept; the target keeps running', async () => {
    const target = service(nodeBinary('system'), 'churn-objects', { nodeArgs: ['--inspect=127.0.0.1:0'] });
    await target.ready;
    const ownRuns = mkdtempSync(join(tmpdir(), 'heapdrift-attach-sigint-'));
    const cli = new URL('../src/cli/main.js', import.meta.url).pathname;
    const child = spawn(
      process.execPath,
      [cli, 'attach', await inspectorAddress(target), '--runs-dir', ownRuns, '--every', '300ms'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const closed = once(child, 'close');
    const snapshotsSaved = () => {
      const [dir] = readdirSync(ownRuns);
      if (!dir) return 0;
      try {
        return (JSON.parse(readFileSync(join(ownRuns, dir, 'run.json'), 'utf8')) as RunRecord).snapshots
          .length;
      } catch {
        return 0;
      }
    };
    for (let waited = 0; snapshotsSaved() < 2 && waited < 60_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGINT');
    const [status] = await closed;
    assert.equal(status, 2, stderr);
    const [dir] = readdirSync(ownRuns);
    const saved = JSON.parse(readFileSync(join(ownRuns, dir!, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(saved.status, 'incomplete');
    assert.equal(saved.verdict, 'incomplete');
    assert.match(saved.verdictReason, /ended early \(interrupted\) after \d+ snapshots/);
    assert.ok(saved.snapshots.length >= 2);
    assert.equal((saved.source as AttachSource).inspectorAfter, 'listening');
    assert.match(stderr, /already open before heapdrift attached; left as it was/);
    assert.ok(alive(target.child.pid!));
    assert.equal(target.child.exitCode, null);
  });
});
