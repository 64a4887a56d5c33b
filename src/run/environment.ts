// The machine a run was measured on, for reports and bug reports.

import { readFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { Environment } from './result.js';

export function describeEnvironment(): Environment {
  return {
    os: `${platform()} ${release()}`,
    arch: arch(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    heapdriftVersion: packageVersion(),
    hostNode: process.version,
  };
}

function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    return String(manifest.version);
  } catch {
    return 'unknown';
  }
}
