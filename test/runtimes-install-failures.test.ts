// Installs that must fail cleanly, on the real node-<os>-<arch>@22.15.0 package: a pinned
// hash it cannot match, and a cache on a full disk (a 16 MB tmpfs in a private mount
// namespace). Nothing is installed and no temp dir is left behind.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UserError } from '../src/errors.js';
import { binaryPackageName, installRuntime, listInstalledRuntimes } from '../src/runtimes/index.js';
import { missingTool } from './helpers/missing-tool.js';

const scratch = mkdtempSync(join(tmpdir(), 'heapdrift-runtimes-integrity-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('an integrity mismatch fails the install and leaves nothing', async () => {
  const cacheDir = join(scratch, 'cache');
  // A hash of something else: the real tarball (downloaded, or read from npm's HTTP cache
  // when an earlier run fetched it) is streamed through the check and fails it.
  const wrong = `sha512-${createHash('sha512').update('not the node tarball').digest('base64')}`;
  await assert.rejects(installRuntime('22.15.0', { cacheDir, integrity: wrong }), (error: Error) => {
    assert.ok(error instanceof UserError, String(error));
    assert.match(
      error.message,
      new RegExp(`^integrity check failed for ${binaryPackageName()}@22\\.15\\.0: `),
    );
    assert.ok(!error.message.includes('\n'));
    return true;
  });
  assert.ok(existsSync(cacheDir));
  assert.deepEqual(readdirSync(cacheDir), []);
  assert.deepEqual(await listInstalledRuntimes({ cacheDir }), []);
});

/** Whether this machine lets us mount a small tmpfs in a private mount namespace (root, Linux). */
function canMountPrivateTmpfs(): boolean {
  if (process.platform !== 'linux') return false;
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=1m tmpfs /mnt'], {
    stdio: 'ignore',
  });
  return probe.status === 0;
}

test('a full disk fails the install with one line and leaves nothing', async (t) => {
  if (!canMountPrivateTmpfs()) {
    t.skip(missingTool('`unshare -m` and mount', 'root on Linux, to make a small full filesystem'));
    return;
  }
  const cacheDir = join(scratch, 'small-disk');
  mkdirSync(cacheDir);
  const runtimesModule = fileURLToPath(new URL('../src/runtimes/index.js', import.meta.url));
  const script = `
    import { readdirSync } from 'node:fs';
    const { installRuntime } = await import(${JSON.stringify(runtimesModule)});
    const cacheDir = ${JSON.stringify(cacheDir)};
    const outcome = await installRuntime('22.15.0', { cacheDir }).then(
      (installed) => ({ installed: installed.path }),
      (error) => ({ name: error.name, code: error.code, message: error.message }),
    );
    process.stdout.write(JSON.stringify({ ...outcome, left: readdirSync(cacheDir) }));
  `;
  // The tmpfs lives in the child's own mount namespace: nothing outside it sees the mount.
  const child = spawnSync(
    'unshare',
    [
      '-m',
      'sh',
      '-c',
      'mount -t tmpfs -o size=16m tmpfs "$1" && exec "$2" --input-type=module -e "$3"',
      'sh',
      cacheDir,
      process.execPath,
      script,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(child.status, 0, child.stderr);
  const outcome = JSON.parse(child.stdout) as { name: string; code: string; message: string; left: string[] };
  assert.equal(outcome.name, 'UserError');
  assert.equal(outcome.code, 'ERR_HEAPDRIFT_NO_SPACE');
  assert.equal(
    outcome.message,
    `no space left on the device while installing ${binaryPackageName()}@22.15.0 into ${cacheDir}`,
  );
  assert.deepEqual(outcome.left, []);
});
