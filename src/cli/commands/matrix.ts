// `heapdrift matrix <scenario> --node V1,V2,…`: one verdict per Node.js version, side by side.

import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { formatMatrix, formatRun } from '../../report/index.js';
import { colorFor } from '../../report/terminal.js';
import { defaultMatrixJobs, parseShard, runMatrix, shardItems } from '../../run/index.js';
import { parseCount } from '../flags.js';
import { action, EXIT_OK, printJson } from '../output.js';
import {
  addRunFlags,
  commandLine,
  endProgress,
  progressPrinter,
  type RunFlags,
  runOptionsFrom,
  whileStoppable,
} from '../run-flags.js';
import { exitCodeOf } from './run.js';

interface MatrixFlags extends RunFlags {
  node: string;
  reportOnly?: boolean;
  shard?: string;
  jobs?: string;
}

export function registerMatrix(program: Command): void {
  addRunFlags(
    program
      .command('matrix')
      .description('run a scenario under several Node.js versions, one verdict per version')
      .argument('<scenario>', 'a built-in scenario or a file')
      .requiredOption(
        '--node <versions>',
        'comma-separated runtimes, e.g. 22.14.0,22.15.0,lts,system; a semver range (">=22.10 <22.16") stands for every release in it',
      ),
  )
    .option('--report-only', 'exit 0 whenever every run completed, whatever the verdicts (for demos)')
    .option('--shard <i/n>', 'run only shard i of n of the versions (join shards with heapdrift merge)')
    .option(
      '--jobs <n>',
      'runs at a time (default: 2 on 2+ cores for a schedule in iterations, else 1; see README)',
    )
    .option(
      '--no-until-settled',
      'take every snapshot instead of stopping once the verdict is settled (see README)',
    )
    .addHelpText(
      'after',
      `
Runs two at a time on a machine with 2+ cores when the schedule is in iterations (a built-in or
iteration scenario without --every <duration> or --duration), else one after the other; --jobs
says otherwise. Each run stops once its verdict is settled (--no-until-settled: every snapshot;
see README). Ctrl-C or SIGTERM stops the current run gracefully (its samples are
kept) and skips the rest; the record is then incomplete. Exit codes: 0 no leak anywhere, 1 a leak under at least one version,
2 usage or runtime error or a version without a verdict. --json prints { schemaVersion: 1,
kind: "matrix", nodes, runs: [run records] }; each run is also saved in its own directory.`,
    )
    .action(action(matrixCommand));
}

async function matrixCommand(scenario: string, scriptArgs: string[], flags: MatrixFlags): Promise<number> {
  const options = runOptionsFrom(flags, scriptArgs);
  const nodes = flags.node
    .split(',')
    .map((node) => node.trim())
    .filter(Boolean);
  if (nodes.length === 0)
    throw new UserError('--node: give at least one version, e.g. --node 22.14.0,22.15.0');
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  const jobs = parseCount(flags.jobs, '--jobs', 1) ?? defaultMatrixJobs({ ...options, scenario });
  return whileStoppable(async (signal) => {
    let progress = progressPrinter(flags, scenario);
    const color = colorFor(process.stdout);
    const record = await runMatrix({
      ...options,
      scenario,
      nodes,
      shard,
      jobs,
      command: commandLine(),
      signal,
      onRunStart: (node) => {
        endProgress(flags);
        // Parallel runs would fight over one progress line: a line per start instead.
        if (jobs > 1 && !flags.quiet) process.stderr.write(`matrix: starting ${scenario} @ ${node}\n`);
        else progress = progressPrinter(flags, `${scenario} @ ${node}`);
      },
      onEvent: (event) => (jobs > 1 ? undefined : progress(event)),
    });
    endProgress(flags);
    if (flags.json) {
      printJson(record);
    } else {
      const details = record.runs.map((run) => formatRun(run, { color, top: 3 })).join('\n\n');
      process.stdout.write(
        `${details}\n\n${formatMatrix(record.runs, { color })}\n\nSaved in ${record.directory}\n`,
      );
    }
    const complete =
      record.runs.length === shardItems(record.nodes, shard).length &&
      record.runs.every((run) => run.status === 'complete');
    if (flags.reportOnly && complete) return EXIT_OK;
    return exitCodeOf(record.runs);
  });
}
