// `heapdrift runs list`: the runs, matrices and bisections saved in the runs directory.

import { resolve } from 'node:path';
import type { Command } from 'commander';
import { colorFor, formatRunsList, listSavedRuns } from '../../report/index.js';
import { action, printJson } from '../output.js';

interface RunsFlags {
  runsDir?: string;
  json?: boolean;
}

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('saved runs, matrices and bisections');
  runs
    .command('list')
    .description('list saved runs: time, kind, scenario, Node.js versions, verdict, status')
    .option('--runs-dir <dir>', 'where runs are saved (default: $HEAPDRIFT_RUNS_DIR or .heapdrift/runs)')
    .option('--json', 'print one JSON array')
    .action(action(listCommand));
}

function listCommand(flags: RunsFlags): number {
  const runsDir = resolve(flags.runsDir ?? process.env.HEAPDRIFT_RUNS_DIR ?? '.heapdrift/runs');
  const entries = listSavedRuns(runsDir);
  if (flags.json) printJson(entries);
  else process.stdout.write(`${formatRunsList(entries, { color: colorFor(process.stdout) })}\n`);
  return 0;
}
