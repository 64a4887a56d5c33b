// `heapdrift bisect <scenario> --good V --bad V`: the first release where the verdict changes.

import type { Command } from 'commander';
import pc from 'picocolors';
import { UserError } from '../../errors.js';
import { formatMatrix, reportRuns } from '../../report/index.js';
import { colorFor } from '../../report/terminal.js';
import { runBisect } from '../../run/index.js';
import { action, EXIT_ERROR, EXIT_OK, printJson } from '../output.js';
import {
  addRunFlags,
  commandLine,
  endProgress,
  progressPrinter,
  type RunFlags,
  runOptionsFrom,
  whileStoppable,
} from '../run-flags.js';

interface BisectFlags extends RunFlags {
  good?: string;
  bad?: string;
  node?: string;
}

export function registerBisect(program: Command): void {
  addRunFlags(
    program
      .command('bisect')
      .description("find the first Node.js release where a scenario's verdict changes")
      .argument('<scenario>', 'a built-in scenario or a file')
      .option('--good <version>', 'a version with the good verdict (e.g. 22 for the latest 22.x)')
      .option('--bad <version>', 'a version with the bad verdict (e.g. 22.0.0)')
      .option(
        '--node <range>',
        'instead of --good/--bad: bisect the releases of a semver range, e.g. ">=22.10 <22.16"',
      ),
  )
    .option(
      '--no-until-settled',
      'take every snapshot instead of stopping once the verdict is settled (see README)',
    )
    .addHelpText(
      'after',
      `
Runs both ends (with --node RANGE: its oldest and newest release), then bisects the released versions between them (from the npm registry's
node-<os>-<arch> packages), a full run per step; a step without a verdict is run once more.
Exit codes: 0 the change was found (or both ends agree), 2 usage or runtime error or no
verdict. --json prints { schemaVersion: 1, kind: "bisect", good, bad, candidates,
firstChanged, lastBefore, status, reason, runs: [run records] }.`,
    )
    .action(action(bisectCommand));
}

async function bisectCommand(scenario: string, scriptArgs: string[], flags: BisectFlags): Promise<number> {
  const options = runOptionsFrom(flags, scriptArgs);
  if (flags.node === undefined && (flags.good === undefined || flags.bad === undefined))
    throw new UserError('give --good and --bad, or --node with a range such as ">=22.10 <22.16"');
  if (flags.node !== undefined && (flags.good !== undefined || flags.bad !== undefined))
    throw new UserError('give either --node RANGE or --good and --bad, not both');
  return whileStoppable(async (signal) => {
    let progress = progressPrinter(flags, scenario);
    const record = await runBisect({
      ...options,
      scenario,
      good: flags.good,
      bad: flags.bad,
      range: flags.node,
      command: commandLine(),
      signal,
      onStep: (message) => {
        endProgress(flags);
        if (!flags.quiet) process.stderr.write(`bisect: ${message}\n`);
        progress = progressPrinter(flags, scenario);
      },
      onEvent: (event) => progress(event),
    });
    endProgress(flags);
    if (flags.json) {
      printJson(record);
    } else {
      const color = colorFor(process.stdout);
      const colors = pc.createColors(color);
      const sorted = reportRuns(record);
      process.stdout.write(
        `${colors.bold(`bisect ${scenario}`)}: ${record.reason}\n` +
          `  ${record.candidates.length} released versions between ${record.candidates[0]} and ${record.candidates.at(-1)}, ${record.runs.length} runs\n\n` +
          `${formatMatrix(sorted, { color })}\n\nSaved in ${record.directory}\n`,
      );
    }
    return record.status === 'complete' ? EXIT_OK : EXIT_ERROR;
  });
}
