// A matrix: the same scenario under several runtimes, one after the other (runs in parallel
// would share this machine's cores and skew each other's timing), saved as matrix.json.

import { join } from 'node:path';
import { makePrivateDirectory, writeJsonAtomically } from './files.js';
import { type MatrixRecord, RUN_SCHEMA_VERSION, type RunSetHeader } from './result.js';
import { type RunOptions, runScenario } from './run-scenario.js';

export interface MatrixOptions extends Omit<RunOptions, 'node'> {
  nodes: string[];
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
    runs: [],
  };
  const file = join(record.directory, 'matrix.json');
  writeJsonAtomically(file, record);
  for (const [index, node] of options.nodes.entries()) {
    if (options.signal?.aborted) break;
    options.onRunStart?.(node, index);
    const run = await runScenario({
      ...options,
      node,
      command: `heapdrift run ${options.scenario} --node ${node}`,
    });
    record.runs.push(run);
    writeJsonAtomically(file, record);
  }
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
