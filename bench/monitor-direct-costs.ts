// The monitor's direct CPU costs from bench/monitor-direct-cost.mjs (a pinned child): added
// CPU per garbage collection of each set of GC hooks against the same cycle without hooks and
// one interval's work, each with its spread.

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repositoryRoot } from '../test/helpers/monitor-service.js';
import { type MeanInterval, meanInterval } from './paired-interval.js';
import { pinned } from './toggled-service.js';

const childPath = fileURLToPath(new URL('../../bench/monitor-direct-cost.mjs', import.meta.url));
/** Chunks of 10 forced collections per round. */
const CHUNKS = 50;

export interface DirectCosts {
  cycles: number;
  chunks: number;
  /** Added CPU µs per collection by variant (observer, profiler, monitor). */
  perGc: Record<string, MeanInterval>;
  gcsPerRound: Record<string, number>;
  /** CPU µs of one interval's work. */
  tick: MeanInterval;
}

type Line =
  | { kind: 'gc-round'; cycle: number; variant: string; cpuMicroseconds: number; gcs: number | null }
  | { kind: 'tick'; ticks: number; cpuMicroseconds: number };

export async function measureDirectCosts(
  cycles: number,
  cpu: number | null,
  node = process.execPath,
): Promise<DirectCosts> {
  const [command, args] = pinned(cpu, [node, '--expose-gc', childPath, String(cycles), String(CHUNKS)]);
  const output = execFileSync(command, args, { cwd: repositoryRoot, encoding: 'utf8' });
  const lines = output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
  const rounds = lines.filter((line) => line.kind === 'gc-round');
  const offByCycle = new Map(
    rounds.filter((r) => r.variant === 'off').map((r) => [r.cycle, r.cpuMicroseconds]),
  );
  const perGc: Record<string, MeanInterval> = {};
  const gcsPerRound: Record<string, number> = {};
  for (const variant of ['observer', 'profiler', 'monitor']) {
    const own = rounds.filter((r) => r.variant === variant && r.gcs);
    perGc[variant] = meanInterval(own.map((r) => (r.cpuMicroseconds - offByCycle.get(r.cycle)!) / r.gcs!));
    gcsPerRound[variant] = own.reduce((sum, r) => sum + r.gcs!, 0) / own.length;
  }
  const ticks = lines.filter((line) => line.kind === 'tick');
  return {
    cycles,
    chunks: CHUNKS,
    perGc,
    gcsPerRound,
    // The first batch compiles the rules' code: left out.
    tick: meanInterval(ticks.slice(1).map((line) => line.cpuMicroseconds / line.ticks)),
  };
}
