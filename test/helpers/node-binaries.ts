// Real Node.js binaries for tests, installed once from the npm registry's node-<os>-<arch>
// packages by heapdrift's own runtime cache (`heapdrift runtimes path`), the same cache the
// CLI end-to-end tests use, so each version is downloaded once. Tests use real runtimes, never mocks.

import { execFileSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where tests keep what they make (snapshots, series); not the runtimes. */
export const testCacheDir = process.env.HEAPDRIFT_TEST_CACHE ?? join(homedir(), '.cache', 'heapdrift-test');

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const known = new Map<string, string>();

/** Path of `bin/node` for an exact version (e.g. '22.14.0'), installing it on first use. */
export function nodeBinary(version: string): string {
  if (version === 'system') return process.execPath;
  let binary = known.get(version);
  if (!binary) {
    binary = execFileSync(process.execPath, [cli, 'runtimes', 'path', version], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    known.set(version, binary);
  }
  return binary;
}
