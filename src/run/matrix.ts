// A matrix: the same scenario under several runtimes, two at a time on a machine with 2+ cores
// when the schedule is in iterations (else one after the other, or as --jobs says), saved as
// matrix.json; optionally one shard.

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import {
  listReleasedVersions,
  parseRuntimeSpec,
  type RuntimeOptions,
  versionsInRange,
} from '../runtimes/index.js';
import { runCommandLine } from './command-line.js';
import { makePrivateDirectory, makeRunsDirectory, writeJsonAtomically } from './files.js';
import { mapWithJobs } from './pool.js';
import { type MatrixRecord, RUN_SCHEMA_VERSION, type RunRecord, type RunSetHeader } from './result.js';
import { checkRunOptions, type RunOptions, runScenario } from './run-scenario.js';
import { resolveScenario } from './scenario-source.js';
import { type ShardSpec, shardItems } from './shard.js';
import { typeScriptNodeArgs } from './typescript.js';

export interface MatrixOptions extends Omit<RunOptions, 'node'> {
  nodes: string[];
  /** Run only this shard of the (expanded) nodes; the record still lists them all. */
  shard?: ShardSpec;
  /** Runs at a time (default: defaultMatrixJobs). */
  jobs?: number;
  /** Stop each run once its verdict is settled (default on; see stopping-rule.ts). */
  untilSettled?: boolean;
  /** Called before each runtime's run starts. */
  onRunStart?: (node: string, index: number) => void;
}

export async function runMatrix(options: MatrixOptions): Promise<MatrixRecord> {
  // Every spec, the scenario and the options are checked before the first run starts.
  const scenarioFile = resolveScenario(options.scenario).file;
  checkRunOptions(options);
  const nodes = await expandNodeSpecs(options.nodes, { cacheDir: options.cacheDir });
  // A TypeScript scenario under an exact version that cannot run it: say so before any run.
  for (const node of nodes) {
    const request = parseRuntimeSpec(node);
    if (request.kind === 'exact') typeScriptNodeArgs(scenarioFile, request.version, options.nodeArgs ?? []);
  }
  const record: MatrixRecord = {
    ...startRunSet(
      'matrix',
      options.scenario,
      options.runsDir,
      options.command ?? `heapdrift matrix ${options.scenario} --node ${options.nodes.join(',')}`,
    ),
    nodes,
    ...(options.shard ? { shard: options.shard } : {}),
    runs: [],
  };
  const file = join(record.directory, 'matrix.json');
  writeJsonAtomically(file, record);
  const finished: (RunRecord | undefined)[] = [];
  await mapWithJobs(
    shardItems(nodes, options.shard),
    options.jobs ?? defaultMatrixJobs(options),
    async (node, index) => {
      options.onRunStart?.(node, index);
      const runOptions = { ...options, node, untilSettled: options.untilSettled ?? true };
      finished[index] = await runScenario({ ...runOptions, command: runCommandLine(runOptions) });
      record.runs = finished.filter((run) => run !== undefined);
      writeJsonAtomically(file, record);
    },
    () => options.signal?.aborted ?? false,
  );
  record.endedAt = new Date().toISOString();
  writeJsonAtomically(file, record);
  return record;
}

/**
 * Runs at a time when --jobs is not given. With a schedule in iterations a slower run does the
 * same work between snapshots, so runs can share the cores without changing verdicts (measured
 * on the 19-release retained-maps matrix: the same 19 verdicts with 1 and 2 jobs, 1.7× less
 * wall time with 2; README "--jobs N"). At most 2: the parent's one thread parses and analyses
 * the snapshots of every run, and more jobs were not measured. A schedule in time (--every 5s,
 * --duration, a plain script) does fewer iterations per snapshot when runs share the cores: 1.
 */
export function defaultMatrixJobs(
  options: Pick<MatrixOptions, 'scenario' | 'everyMs' | 'durationMs'>,
): number {
  const inIterations =
    resolveScenario(options.scenario).mode === 'iterations' &&
    options.everyMs === undefined &&
    options.durationMs === undefined;
  return inIterations ? Math.max(1, Math.min(2, availableParallelism())) : 1;
}

/**
 * The runtimes of a matrix: each spec as given, except semver ranges (`>=22.10 <22.16`), which
 * stand for every release in them, oldest first. A bad spec fails here, before any run.
 */
export async function expandNodeSpecs(nodes: readonly string[], options: RuntimeOptions): Promise<string[]> {
  const requests = nodes.map((node) => parseRuntimeSpec(node));
  if (!requests.some((request) => request.kind === 'range')) return [...nodes];
  const releases = await listReleasedVersions(options);
  return nodes.flatMap((node, index) => {
    const request = requests[index]!;
    if (request.kind !== 'range') return [node];
    const versions = versionsInRange(request.range, releases);
    if (versions.length === 0)
      throw new UserError(
        `--node "${node}": no released Node.js version in this range`,
        'ERR_HEAPDRIFT_UNKNOWN_VERSION',
      );
    return versions;
  });
}

/** Creates the directory of a matrix or bisection and the header of its record. */
export function startRunSet<Kind extends string>(
  kind: Kind,
  scenario: string,
  runsDir: string,
  command: string,
): RunSetHeader<Kind> {
  const startedAt = new Date();
  const id = `${startedAt.toISOString().replace(/[:.]/g, '-')}-${kind}-${safeName(scenario)}`;
  const directory = join(runsDir, id);
  makeRunsDirectory(runsDir);
  makePrivateDirectory(directory);
  return {
    schemaVersion: RUN_SCHEMA_VERSION,
    kind,
    id,
    directory,
    scenario,
    command,
    startedAt: startedAt.toISOString(),
    endedAt: null,
  };
}

export function safeName(scenario: string): string {
  return (scenario.split('/').at(-1) ?? scenario).replace(/\.[cm]?js$/, '').replace(/[^\w.-]/g, '_');
}
