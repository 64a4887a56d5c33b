// Sweep results cached per (scenario, Node.js version, heapdrift version, schedule): a later
// sweep runs only what is new. Only decided cells (leak / no-leak) are cached.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { makePrivateDirectory, writeJsonAtomically } from './files.js';
import type { SweepCell, SweepRecord } from './sweep-record.js';

/** $HEAPDRIFT_SWEEP_CACHE, else $XDG_CACHE_HOME/heapdrift/sweep, else ~/.cache/heapdrift/sweep. */
export function defaultSweepCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HEAPDRIFT_SWEEP_CACHE) return resolve(env.HEAPDRIFT_SWEEP_CACHE);
  const cacheHome = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(cacheHome, 'heapdrift', 'sweep');
}

export class SweepCache {
  constructor(
    private readonly dir: string,
    private readonly heapdriftVersion: string,
    private readonly schedule: SweepRecord['schedule'],
  ) {}

  get(scenario: string, version: string): SweepCell | undefined {
    const file = this.fileOf(scenario, version);
    if (!existsSync(file)) return undefined;
    try {
      const cell = JSON.parse(readFileSync(file, 'utf8')) as SweepCell;
      return cell.scenario === scenario && cell.version === version ? { ...cell, cached: true } : undefined;
    } catch {
      return undefined; // a damaged entry is measured again
    }
  }

  put(cell: SweepCell): void {
    if (cell.verdict !== 'leak' && cell.verdict !== 'no-leak') return;
    const file = this.fileOf(cell.scenario, cell.version);
    makePrivateDirectory(join(file, '..'));
    writeJsonAtomically(file, { ...cell, cached: false });
  }

  private fileOf(scenario: string, version: string): string {
    const { snapshots, everyIterations, warmupSnapshots } = this.schedule;
    const schedule = `s${snapshots ?? 'd'}-e${everyIterations ?? 'd'}-w${warmupSnapshots ?? 'd'}`;
    return join(
      this.dir,
      this.heapdriftVersion,
      scenario.replace(/[^\w.-]/g, '_'),
      `${version}@${schedule}.json`,
    );
  }
}
