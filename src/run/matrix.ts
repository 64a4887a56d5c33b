// A matrix: the same scenario under several runtimes, one after the other unless asked for
// parallel jobs (which share the machine's cores), saved as matrix.json; optionally one shard.

import { join } from 'node:path';
import { makePrivateDirectory, writeJsonAtomically } from './files.js';
import { mapWithJobs } from './pool.js';
import { type MatrixRecord, RUN_SCHEMA_VERSION, type RunRecord, type RunSetHeader } from './result.js';
import { type RunOptions, runScenario } from './run-scenario.js';
import { type ShardSpec, shardItems } from './shard.js';

export interface MatrixOptions extends Omit<RunOptions, 'node'> {
  nodes: string[];
  /** Run only this shard of `nodes` (the record still lists them all). */
  shard?: ShardSpec;
  /** Runs at a time (default 1). */
  jobs?: number;
  /** Called before each runtime's run starts. */
  onRunStart?: (node: string, index: number) => void;
}

export async function runMatrix(options: MatrixOptions): Promise<MatrixRecord> {
  const record: MatrixRecord = {
    ...startRunSet(
      'matrix',
      options.scenario,
      options.runsDir,
      options.command ?? `heapdrift matrix ${options.scenario} --node ${options.nodes.join(',')}`,
    ),
    nodes: options.nodes,
    ...(options.shard ? { shard: options.shard } : {}),
    runs: [],
  };
  const file = join(record.directory, 'matrix.json');
  writeJsonAtomically(file, record);
  const mine = shardItems(options.nodes, options.shard);
  const finished: (RunRecord | undefined)[] = [];
  await mapWithJobs(
    mine,
    options.jobs ?? 1,
    async (node, index) => {
      options.onRunStart?.(node, index);
      finished[index] = await runScenario({
        ...options,
        node,
        command: `heapdrift run ${options.scenario} --node ${node}`,
      });
      record.runs = finished.filter((run) => run !== undefined);
      writeJsonAtomically(file, record);
    },
    () => options.signal?.aborted ?? false,
  );
  record.endedAt = new Date().toISOString();
  writeJsonAtomically(file, record);
  return record;
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
