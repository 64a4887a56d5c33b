// Runtimes against the real npm registry and real Node.js binaries: one real install of
// 22.15.0 (two racing child processes), then cache hits with the network cut, line and lts
// resolution, path specs, error messages, an interrupted install, and the CLI.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { UserError } from '../src/errors.js';
import {
  binaryPackageName,
  listInstalledRuntimes,
  listReleasedVersions,
  pruneRuntimes,
  resolveRuntime,
  resolveVersion,
} from '../src/runtimes/index.js';

const run = promisify(execFile);
const version = '22.15.0';
const runtimesModule = fileURLToPath(new URL('../src/runtimes/index.js', import.meta.url));
const cliMain = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
// Nothing listens on port 9 here: every request is refused at once (no retries).
const unreachable = { registry: 'http://127.0.0.1:9/', npmOptions: { fetchRetries: 0 } };

const scratch = mkdtempSync(join(tmpdir(), 'heapdrift-runtimes-test-'));
const cacheDir = join(scratch, 'cache');

/** Runs `installRuntime` in a child process; resolves with its exit code and output. */
function installInChild(dir: string): {
  child: ReturnType<typeof spawn>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const script = `
    const { installRuntime } = await import(${JSON.stringify(runtimesModule)});
    const result = await installRuntime(${JSON.stringify(version)}, { cacheDir: ${JSON.stringify(dir)} });
    process.stdout.write(JSON.stringify(result));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

function numericOrder(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  return left[0]! - right[0]! || left[1]! - right[1]! || left[2]! - right[2]!;
}

after(() => rmSync(scratch, { recursive: true, force: true }));

describe('installing from the registry', () => {
  let installSeconds = 0;
  before(async () => {
    // Two processes install the same version at once: both must succeed, one wins the rename.
    const started = performance.now();
    const racers = [installInChild(cacheDir), installInChild(cacheDir)];
    const results = await Promise.all(racers.map((racer) => racer.done));
    installSeconds = (performance.now() - started) / 1000;
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    const installs = results.map(
      (result) => JSON.parse(result.stdout) as { path: string; source: string; version: string },
    );
    assert.equal(installs[0]!.path, installs[1]!.path);
    assert.deepEqual(
      installs.map((install) => install.source),
      ['registry', 'registry'],
      'both processes downloaded: the race happened',
    );
  });

  test('the racing installs leave one complete install and no temp dir; its binary runs', async (t) => {
    t.diagnostic(`two concurrent installs of ${version}: ${installSeconds.toFixed(1)} s`);
    assert.deepEqual(readdirSync(cacheDir), [`${binaryPackageName()}-${version}`]);
    const installed = await listInstalledRuntimes({ cacheDir });
    assert.equal(installed.length, 1);
    assert.equal(installed[0]!.version, version);
    assert.match(installed[0]!.integrity, /^sha512-/);
    const { stdout } = await run(installed[0]!.path, ['-p', 'process.version + " " + typeof WeakRef']);
    assert.equal(stdout.trim(), `v${version} function`);
  });

  test('an installed exact version resolves from the cache with the registry unreachable', async () => {
    const progress: string[] = [];
    const runtime = await resolveRuntime(`v${version}`, {
      cacheDir,
      ...unreachable,
      onProgress: (m) => progress.push(m),
    });
    assert.equal(runtime.source, 'cache');
    assert.equal(runtime.version, version);
    assert.equal(runtime.path, join(cacheDir, `${binaryPackageName()}-${version}`, 'bin', 'node'));
    assert.deepEqual(progress, [], 'no fetch was even attempted');
    const offline = await resolveRuntime(version, { cacheDir, offline: true });
    assert.equal(offline.path, runtime.path);
  });

  test('a line falls back to the highest cached match, with a note, when it cannot ask the registry', async () => {
    const unreachableRuntime = await resolveRuntime('22', { cacheDir, ...unreachable });
    assert.equal(unreachableRuntime.version, version);
    assert.equal(unreachableRuntime.source, 'cache');
    assert.match(
      unreachableRuntime.notes[0]!,
      /cannot reach the registry http:\/\/127\.0\.0\.1:9\/ \(ECONNREFUSED\): using node 22\.15\.0/,
    );
    const offline = await resolveRuntime('22.15', { cacheDir, offline: true });
    assert.equal(offline.version, version);
    assert.match(offline.notes[0]!, /^offline: using node 22\.15\.0/);
    await assert.rejects(resolveRuntime('21', { cacheDir, offline: true }), (error: Error) => {
      assert.ok(error instanceof UserError);
      assert.equal(error.message, `offline, and the cache ${cacheDir} has no node matching 21.x`);
      return true;
    });
    await assert.rejects(
      resolveRuntime('22.14.0', { cacheDir, ...unreachable }),
      /cannot reach the registry .* and the cache .* has no node 22\.14\.0/,
    );
  });

  test('an interrupted install is not listed, and prune removes it', async () => {
    const dir = join(scratch, 'interrupted');
    const racer = installInChild(dir);
    const deadline = Date.now() + 60_000;
    while (!(existsSync(dir) && readdirSync(dir).some((entry) => entry.startsWith('.tmp-')))) {
      assert.ok(Date.now() < deadline, 'the install never started');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    racer.child.kill('SIGKILL');
    await racer.done;
    const leftovers = readdirSync(dir);
    assert.equal(leftovers.length, 1);
    assert.match(leftovers[0]!, /^\.tmp-node-/);
    // A directory that looks like an install but has no manifest is not one either.
    mkdirSync(join(dir, `${binaryPackageName()}-20.1.0`, 'bin'), { recursive: true });
    writeFileSync(join(dir, `${binaryPackageName()}-20.1.0`, 'bin', 'node'), '');
    // Nor is one whose manifest survived but whose binary is gone.
    const damaged = join(dir, `${binaryPackageName()}-20.2.0`);
    mkdirSync(damaged);
    const manifest = {
      format: 1,
      packageName: binaryPackageName(),
      version: '20.2.0',
      integrity: '',
      installedAt: '',
    };
    writeFileSync(join(damaged, 'heapdrift-runtime.json'), JSON.stringify(manifest));
    assert.deepEqual(await listInstalledRuntimes({ cacheDir: dir }), []);
    const pruned = await pruneRuntimes({ cacheDir: dir });
    assert.deepEqual(pruned.map((entry) => entry.reason).sort(), [
      'incomplete install',
      'incomplete install',
      'interrupted install',
    ]);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('the CLI prints the path, lists the install, and fails in one line on a bad spec', async () => {
    const path = await run(process.execPath, [cliMain, 'runtimes', 'path', version, '--cache-dir', cacheDir]);
    assert.equal(path.stdout, `${join(cacheDir, `${binaryPackageName()}-${version}`, 'bin', 'node')}\n`);
    const list = await run(process.execPath, [
      cliMain,
      'runtimes',
      'list',
      '--json',
      '--cache-dir',
      cacheDir,
    ]);
    const rows = JSON.parse(list.stdout) as { version: string; sizeBytes: number }[];
    assert.deepEqual(
      rows.map((row) => row.version),
      [version],
    );
    assert.ok(rows[0]!.sizeBytes > 50_000_000, `size ${rows[0]!.sizeBytes}`);
    await assert.rejects(
      run(process.execPath, [cliMain, 'runtimes', 'path', 'twenty-two', '--cache-dir', cacheDir]),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 2, error.stderr);
        assert.equal(error.stderr.trim().split('\n').length, 1, error.stderr);
        assert.match(
          error.stderr,
          /^heapdrift: ERR_HEAPDRIFT_RUNTIME_SPEC: node spec "twenty-two" is not a version/,
        );
        return true;
      },
    );
  });
});

describe('resolving against the registry', () => {
  let released: string[] = [];
  before(async () => {
    released = await listReleasedVersions();
  });

  test('released versions are ascending releases, including the ones we know', () => {
    assert.ok(released.length > 300, `${released.length} versions`);
    assert.deepEqual([...released].sort(numericOrder), released);
    assert.ok(released.every((entry) => /^\d+\.\d+\.\d+$/.test(entry)));
    for (const known of ['20.20.2', '22.14.0', '22.15.0']) assert.ok(released.includes(known), known);
  });

  test('a line, lts and latest name the highest matching release', async () => {
    const highest22 = released.filter((entry) => entry.startsWith('22.')).at(-1);
    assert.equal((await resolveVersion('22')).version, highest22);
    assert.equal(
      (await resolveVersion('22.14')).version,
      released.filter((entry) => entry.startsWith('22.14.')).at(-1),
    );
    assert.equal((await resolveVersion('latest')).version, released.at(-1));
    const lts = (await resolveVersion('lts')).version;
    const ltsMajorNumber = Number(lts.split('.')[0]);
    assert.equal(ltsMajorNumber % 2, 0, `lts ${lts} is on an even line`);
    assert.ok(ltsMajorNumber >= 22, `lts ${lts}`);
    assert.equal(lts, released.filter((entry) => entry.startsWith(`${ltsMajorNumber}.`)).at(-1));
  });

  test('an unknown version is a one-line error naming the package', async () => {
    await assert.rejects(resolveRuntime('22.99.0', { cacheDir }), (error: Error) => {
      assert.ok(error instanceof UserError);
      assert.equal(
        error.message,
        `node 22.99.0 is not published as ${binaryPackageName()} on the registry https://registry.npmjs.org/`,
      );
      return true;
    });
  });

  test('a platform without binaries on the registry is named', async () => {
    await assert.rejects(listReleasedVersions({ platform: { os: 'linux', arch: 'mips' } }), {
      message:
        'no Node.js binaries for linux/mips: the registry https://registry.npmjs.org/ has no package node-linux-mips',
    });
  });
});

describe('system and path specs', () => {
  test('a path to a node binary is asked for its version', async () => {
    const runtime = await resolveRuntime(process.execPath);
    assert.deepEqual(runtime, {
      spec: process.execPath,
      version: process.versions.node,
      path: process.execPath,
      source: 'path',
      notes: [],
    });
  });

  test('system is the node on PATH', async () => {
    const runtime = await resolveRuntime('system');
    assert.equal(runtime.source, 'system');
    const { stdout } = await run(runtime.path, ['--version']);
    assert.equal(stdout.trim(), `v${runtime.version}`);
  });

  test('a path that is not an executable node binary is a one-line error', async () => {
    const plainFile = join(scratch, 'not-executable');
    writeFileSync(plainFile, 'just text\n');
    await assert.rejects(resolveRuntime(plainFile), {
      message: `${plainFile}: is not executable (expected a node binary)`,
    });
    const impostor = join(scratch, 'impostor');
    writeFileSync(impostor, '#!/bin/sh\necho "impostor 1.0"\necho second line\n');
    chmodSync(impostor, 0o755);
    await assert.rejects(resolveRuntime(impostor), {
      message: `${impostor}: is not a working node binary (--version printed "impostor 1.0", not a Node.js version)`,
    });
    await assert.rejects(resolveRuntime(scratch), {
      message: `${scratch}: is a directory, not a node binary`,
    });
    await assert.rejects(resolveRuntime(join(scratch, 'missing', 'node')), /no such file/);
  });
});
