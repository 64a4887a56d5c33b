// `heapdrift merge <records or dirs…>`: joins the shards of a matrix or sweep (made with
// --shard i/n, e.g. on CI runners) into one record and report, same schema as unsharded.

import { join } from 'node:path';
import type { Command } from 'commander';
import { colorFor, formatMatrix } from '../../report/index.js';
import { makePrivateDirectory, makeRunsDirectory, writeJsonAtomically } from '../../run/files.js';
import { loadShard, type MatrixRecord, mergeShards } from '../../run/index.js';
import { action, printJson } from '../output.js';
import { runsDirOf } from '../run-flags.js';
import { exitCodeOf } from './run.js';
import { printSweep } from './sweep.js';

interface MergeFlags {
  runsDir?: string;
  markdown?: string;
  html?: string;
  json?: boolean;
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('join the shards of a matrix or sweep (--shard i/n) into one record and report')
    .argument('<records...>', 'matrix.json / sweep.json files or the directories holding them')
    .option(
      '--runs-dir <dir>',
      'where the merged record is saved (default: $HEAPDRIFT_RUNS_DIR or .heapdrift/runs)',
    )
    .option('--markdown <file>', 'also write a sweep report as Markdown')
    .option('--html <file>', 'also write a sweep report as a self-contained HTML page')
    .option('--json', 'print the merged record on stdout')
    .addHelpText(
      'after',
      `
Every shard of one command must be given (same kind, scenario, plan, schema version; for a sweep
the same heapdrift version and schedule); anything else is refused with one line and exit 2.
Exit codes otherwise as the merged command's: matrix 1 when a version leaks, sweep 1 on a new leak.`,
    )
    .action(action(mergeCommand));
}

async function mergeCommand(paths: string[], flags: MergeFlags): Promise<number> {
  const shards = paths.map((path) => loadShard(path));
  const runsDir = runsDirOf(flags.runsDir);
  const first = shards[0]!.record;
  const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-merged-${first.kind}`;
  const directory = join(runsDir, id);
  const merged = mergeShards(shards, directory, id);
  makeRunsDirectory(runsDir);
  makePrivateDirectory(directory);
  writeJsonAtomically(join(directory, `${merged.kind}.json`), merged);
  if (merged.kind === 'sweep') return printSweep(merged, flags, directory);
  const matrix = merged as MatrixRecord;
  if (flags.json) printJson(matrix);
  else
    process.stdout.write(
      `merged ${shards.length} shards of: ${matrix.command}\n\n${formatMatrix(matrix.runs, { color: colorFor(process.stdout) })}\n\nSaved in ${directory}\n`,
    );
  return exitCodeOf(matrix.runs);
}
