// A sweep: a library of scenarios (the knowledge base's and the runtime canaries) over released
// Node.js versions, one verdict per cell, cached per heapdrift version so a later sweep runs only
// new cells; optionally one deterministic shard of the cells, optionally several runs at a time.

import { join } from 'node:path';
import semver from 'semver';
import { UserError } from '../errors.js';
import { listReleasedVersions } from '../runtimes/index.js';
import { builtinScenarios } from '../scenarios/index.js';
import { describeEnvironment } from './environment.js';
import { writeJsonAtomically } from './files.js';
import { startRunSet } from './matrix.js';
import { mapWithJobs } from './pool.js';
import type { RunRecord } from './result.js';
import { type RunOptions, runScenario } from './run-scenario.js';
import { resolveScenario } from './scenario-source.js';
import { type ShardSpec, shardItems } from './shard.js';
import { SweepCache } from './sweep-cache.js';
import type { SweepCell, SweepRecord } from './sweep-record.js';

export interface VersionSelection {
  /** Release lines (majors) to sweep. */
  lines?: number[];
  /** Only versions at or after this one. */
  since?: string;
  /** Exact versions instead of lines (still filtered by `since`). */
  versions?: string[];
  /** Every release, the newest patch of each minor, or the newest of each line. */
  pick?: 'all' | 'minor' | 'latest';
}

export interface SweepOptions extends Pick<RunOptions, 'runsDir' | 'cacheDir' | 'signal' | 'nodeArgs'> {
  scenarios: string[];
  versions: string[];
  schedule?: SweepRecord['schedule'];
  shard?: ShardSpec;
  jobs?: number;
  /** Stop each run once its verdict is settled (default on; see stopping-rule.ts). */
  untilSettled?: boolean;
  /** Where results are cached; undefined: no cache. */
  resultsDir?: string;
  /** Ignore cached results (new results are still cached). */
  fresh?: boolean;
  command?: string;
  onCell?: (cell: SweepCell, done: number, total: number) => void;
  onCellStart?: (scenario: string, version: string) => void;
}

/** The built-in scenarios a sweep runs by default: those whose verdict depends on the runtime. */
export function sweepScenarioNames(spec: string | undefined): string[] {
  const all = builtinScenarios.filter((scenario) => scenario.expectation === 'runtime-dependent');
  if (spec === undefined || spec === 'all') return all.map((scenario) => scenario.name);
  const names = [
    ...new Set(
      spec
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ];
  if (names.length === 0)
    throw new UserError(
      '--scenarios: give "all" or names, e.g. retained-maps,timer-primitive',
      'ERR_HEAPDRIFT_OPTION',
    );
  for (const name of names) resolveScenario(name); // throws one line for an unknown name or file
  return names;
}

export async function planSweepVersions(selection: VersionSelection): Promise<string[]> {
  const since = selection.since;
  if (since !== undefined && semver.valid(since) === null)
    throw new UserError(`--since "${since}": expected a version such as 22.10.0`, 'ERR_HEAPDRIFT_OPTION');
  let versions: string[];
  if (selection.versions) {
    for (const version of selection.versions)
      if (semver.valid(version) === null)
        throw new UserError(
          `--versions: "${version}" is not an exact version such as 22.14.0`,
          'ERR_HEAPDRIFT_OPTION',
        );
    versions = [...new Set(selection.versions)];
  } else {
    const released = await listReleasedVersions();
    const lines = selection.lines ?? defaultLines(released);
    versions = pick(
      released.filter((version) => lines.includes(semver.major(version))),
      selection.pick ?? 'all',
    );
  }
  const chosen = versions.filter((version) => since === undefined || semver.gte(version, since));
  if (chosen.length === 0)
    throw new UserError(
      'no released Node.js version matches --lines/--versions and --since',
      'ERR_HEAPDRIFT_OPTION',
    );
  return chosen.sort(semver.compare);
}

/** Even (LTS) lines from 20 up to the newest released major. */
function defaultLines(released: string[]): number[] {
  const newest = Math.max(...released.map((version) => semver.major(version)));
  const lines: number[] = [];
  for (let line = 20; line <= newest; line += 2) lines.push(line);
  return lines;
}

function pick(versions: string[], how: 'all' | 'minor' | 'latest'): string[] {
  if (how === 'all') return versions;
  const newest = new Map<string, string>();
  for (const version of versions) {
    const key =
      how === 'minor' ? `${semver.major(version)}.${semver.minor(version)}` : `${semver.major(version)}`;
    const current = newest.get(key);
    if (current === undefined || semver.gt(version, current)) newest.set(key, version);
  }
  return [...newest.values()];
}

export async function runSweep(options: SweepOptions): Promise<SweepRecord> {
  const heapdriftVersion = describeEnvironment().heapdriftVersion;
  const schedule = options.schedule ?? {};
  const record: SweepRecord = {
    ...startRunSet(
      'sweep',
      options.scenarios.join(','),
      options.runsDir,
      options.command ?? 'heapdrift sweep',
    ),
    heapdriftVersion,
    scenarios: options.scenarios,
    versions: options.versions,
    schedule,
    ...(options.shard ? { shard: options.shard } : {}),
    cells: [],
  };
  const file = join(record.directory, 'sweep.json');
  writeJsonAtomically(file, record);
  const cache = options.resultsDir
    ? new SweepCache(options.resultsDir, heapdriftVersion, schedule)
    : undefined;
  const planned = options.scenarios.flatMap((scenario) =>
    options.versions.map((version) => ({ scenario, version })),
  );
  const mine = shardItems(planned, options.shard);
  const cells: (SweepCell | undefined)[] = [];
  let done = 0;
  await mapWithJobs(
    mine,
    options.jobs ?? 1,
    async ({ scenario, version }, position) => {
      let cell = options.fresh ? undefined : cache?.get(scenario, version);
      if (!cell) {
        options.onCellStart?.(scenario, version);
        const run = await runScenario({
          ...schedule,
          scenario,
          node: version,
          runsDir: options.runsDir,
          cacheDir: options.cacheDir,
          nodeArgs: options.nodeArgs,
          signal: options.signal,
          untilSettled: options.untilSettled ?? true,
          command: `heapdrift run ${scenario} --node ${version}${options.untilSettled === false ? '' : ' --until-settled'}`,
        });
        cell = cellOf(scenario, version, run);
        cache?.put(cell);
      }
      cells[position] = cell;
      record.cells = cells.filter((item) => item !== undefined);
      writeJsonAtomically(file, record);
      options.onCell?.(cell, ++done, mine.length);
    },
    () => options.signal?.aborted ?? false,
  );
  record.endedAt = new Date().toISOString();
  writeJsonAtomically(file, record);
  return record;
}

function cellOf(scenario: string, version: string, run: RunRecord): SweepCell {
  return {
    scenario,
    version,
    verdict: run.verdict,
    verdictReason: run.verdictReason,
    growing: leadingGrowth(run),
    cached: false,
    runId: run.id,
    wallMs: run.wallMs,
  };
}

function leadingGrowth(run: RunRecord): string | null {
  const track = run.tracks.find((item) => item.verdict === 'growing');
  if (track) return track.name;
  const structure = run.structures.find((item) => item.verdict === 'growing');
  if (structure) return structure.label;
  return run.classes.find((item) => item.verdict === 'growing')?.className ?? null;
}
