// The machine a run was measured on, for reports and bug reports.

import { arch, cpus, platform, release, totalmem } from 'node:os';
import { HEAPDRIFT_VERSION } from '../version.js';
import type { Environment } from './result.js';

export function describeEnvironment(): Environment {
  return {
    os: `${platform()} ${release()}`,
    arch: arch(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    heapdriftVersion: HEAPDRIFT_VERSION,
    hostNode: process.version,
  };
}
