// heapdrift's own version, read once from its package.json (compiled to dist/src/version.js,
// two levels below the package root), so the CLI, run records and reports never disagree.

import { readFileSync } from 'node:fs';

function readPackageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const HEAPDRIFT_VERSION: string = readPackageVersion();
