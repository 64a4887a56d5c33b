// `heapdrift series <snapshots… | directory>`: growth verdicts over heap snapshots that
// already exist, with the same record, tracks, verdicts, exit codes and reports as a run.

import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { formatRun } from '../../report/index.js';
import { colorFor } from '../../report/terminal.js';
import { runSeries, seriesMeasuresInChildren } from '../../run/index.js';
import { keepYoungGenerationSmall, leaveOptimizingToChildren } from '../../run/release-memory.js';
import { parseCount } from '../flags.js';
import { action, printJson } from '../output.js';
import { endProgress, progressPrinter, whileStoppable } from '../run-flags.js';
import { exitCodeOf } from './run.js';

interface SeriesFlags {
  order?: string;
  allowMixed?: boolean;
  track: string[];
  warmup?: string;
  runsDir?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export function registerSeries(program: Command): void {
  program
    .command('series')
    .description('judge growth across heap snapshots you already have (files or a directory of them)')
    .argument('<snapshots...>', '.heapsnapshot files, or directories holding them')
    .option(
      '--order <name|mtime>',
      'order by the time in Node’s file names (default when all have one) or by modification time',
    )
    .option('--allow-mixed', 'judge snapshots of different processes together anyway')
    .option(
      '--track <path>',
      'also track a path query, e.g. "NativeContext > retained_maps" (repeatable)',
      collect,
      [],
    )
    .option('--warmup <n>', 'leading snapshots the verdict ignores (default 2)')
    .option('--runs-dir <dir>', 'where the record is saved (default: $HEAPDRIFT_RUNS_DIR or .heapdrift/runs)')
    .option('--json', 'print the record (schemaVersion 1, kind "series") on stdout')
    .option('--quiet', 'no progress on stderr')
    .option('--verbose', 'progress with every tracked value and timing')
    .addHelpText(
      'after',
      `
Each snapshot is read and measured in a child process of its own (memory of about one
snapshot, whatever the number of files), ordered by the time in Node's file names
(Heap.<date>.<time>.<pid>.<tid>.<seq>.heapsnapshot) or by modification time; the x-axis is
time. A damaged file, or one whose child dies (e.g. out of memory), is skipped and named in
the record. Snapshots of different processes are refused unless --allow-mixed.

Ctrl-C stops at once (the snapshot being measured is dropped, its child killed): run.json
is saved with what was judged so far and the verdict "incomplete"; a second Ctrl-C leaves
at once (exit 130) with run.json as already saved.

Exit codes: 0 no leak, 1 leak found, 2 usage error, or no verdict reached (interrupted).`,
    )
    .action(action(seriesCommand));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function seriesCommand(paths: string[], flags: SeriesFlags): Promise<number> {
  if (flags.order !== undefined && flags.order !== 'name' && flags.order !== 'mtime')
    throw new UserError(`--order "${flags.order}": expected name or mtime`);
  keepYoungGenerationSmall();
  if (seriesMeasuresInChildren()) leaveOptimizingToChildren();
  return whileStoppable(
    async (signal) => {
      const record = await runSeries({
        paths,
        order: flags.order as 'name' | 'mtime' | undefined,
        allowMixed: flags.allowMixed ?? false,
        track: flags.track,
        warmupSnapshots: parseCount(flags.warmup, '--warmup', 0),
        runsDir: resolve(flags.runsDir ?? process.env.HEAPDRIFT_RUNS_DIR ?? '.heapdrift/runs'),
        command: `heapdrift ${process.argv.slice(2).join(' ')}`,
        onEvent: progressPrinter(flags, 'series'),
        signal,
      });
      endProgress(flags);
      if (flags.json) printJson(record);
      else process.stdout.write(`${formatRun(record, { color: colorFor(process.stdout) })}\n`);
      return exitCodeOf([record]);
    },
    { secondSignalExits: true },
  );
}
