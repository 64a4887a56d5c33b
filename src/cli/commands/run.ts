// `heapdrift run <scenario|file>`: one scenario under one Node.js runtime, with a verdict.

import type { Command } from 'commander';
import { formatRun } from '../../report/index.js';
import { colorFor } from '../../report/terminal.js';
import { type RunRecord, runScenario } from '../../run/index.js';
import { action, EXIT_ERROR, EXIT_LEAK, EXIT_OK, printJson } from '../output.js';
import {
  addRunFlags,
  commandLine,
  endProgress,
  progressPrinter,
  type RunFlags,
  runOptionsFrom,
  whileStoppable,
} from '../run-flags.js';

export function registerRun(program: Command): void {
  addRunFlags(
    program
      .command('run')
      .description(
        'run a scenario under a Node.js version, snapshot it on a schedule and judge every structure',
      )
      .argument(
        '<scenario>',
        'a built-in scenario (retained-maps, map-leak, churn-objects, bounded-cache) or a file',
      )
      .option(
        '--node <version>',
        'exact version (22.14.0), line (22), semver range (its newest release), lts, latest, system, or a node binary path',
        'system',
      ),
  )
    .option(
      '--until-settled',
      'stop taking snapshots once the verdict is settled (--snapshots is then the maximum; see README)',
    )
    .addHelpText(
      'after',
      `
A scenario file is an iteration module (exports iteration(i), optional setup/teardown; growth
is measured per iteration) or a plain script (growth is measured over time). TypeScript files
(.ts, .mts, .cts) run on runtimes that strip types (22.6+; heapdrift adds
--experimental-strip-types before 22.18 / 23.6), or with a loader of your own (--node-arg=--import=tsx).

  heapdrift run server.js --node 22 --env PORT=3000 --node-arg=--max-old-space-size=256 -- --port 3000

The program's whole stdout and stderr are kept in the run directory (stdout.log, stderr.log);
on a crash its last stderr lines are shown.

Exit codes: 0 no leak, 1 leak found, 2 usage or runtime error, or no verdict reached
(an incomplete or inconclusive run). --json prints the run record (schemaVersion 1,
kind "run"): runtime.version, verdict (leak | no-leak | inconclusive | incomplete),
tracks[], structures[] each with path, verdict, slopePerHour, samples, series.`,
    )
    .action(action(runCommand));
}

async function runCommand(
  scenario: string,
  scriptArgs: string[],
  flags: RunFlags & { node: string },
): Promise<number> {
  const options = runOptionsFrom(flags, scriptArgs);
  return whileStoppable(async (signal) => {
    const record = await runScenario({
      ...options,
      scenario,
      node: flags.node,
      command: commandLine(),
      onEvent: progressPrinter(flags, scenario),
      signal,
    });
    endProgress(flags);
    if (flags.json) printJson(record);
    else process.stdout.write(`${formatRun(record, { color: colorFor(process.stdout) })}\n`);
    return exitCodeOf([record]);
  });
}

/** 1 when any run leaked, 2 when any run reached no verdict, else 0. */
export function exitCodeOf(records: RunRecord[]): number {
  if (records.some((record) => record.verdict === 'leak')) return EXIT_LEAK;
  if (records.some((record) => record.verdict !== 'no-leak')) return EXIT_ERROR;
  return EXIT_OK;
}
