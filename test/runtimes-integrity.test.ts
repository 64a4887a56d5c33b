// A tarball that does not match the expected integrity is refused: the real
// node-<os>-<arch>@22.15.0 checked against a pinned hash it cannot match. Nothing is
// installed and no temp dir is left behind.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../src/errors.js';
import { binaryPackageName, installRuntime, listInstalledRuntimes } from '../src/runtimes/index.js';

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
