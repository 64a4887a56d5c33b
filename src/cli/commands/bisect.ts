// `heapdrift bisect <scenario> --good V --bad V`: the first release where the verdict changes.

import type { Command } from 'commander';
import pc from 'picocolors';
import { formatMatrix } from '../../report/index.js';
import { colorFor } from '../../report/terminal.js';
import { runBisect } from '../../run/index.js';
import { action, EXIT_ERROR, EXIT_OK, printJson } from '../output.js';
import { addRunFlags, endProgress, progressPrinter, type RunFlags, runOptionsFrom } from '../run-flags.js';

interface BisectFlags extends RunFlags {
  good: string;
  bad: string;
}

export function registerBisect(program: Command): void {
  addRunFlags(
    program
      .command('bisect')
      .description("find the first Node.js release where a scenario's verdict changes")
      .argument('<scenario>', 'a built-in scenario or a file')
      .requiredOption('--good <version>', 'a version with the good verdict (e.g. 22 for the latest 22.x)')
      .requiredOption('--bad <version>', 'a version with the bad verdict (e.g. 22.0.0)'),
  )
    .addHelpText(
      'after',
      `
Runs both ends, then bisects the released versions between them (from the npm registry's
node-<os>-<arch> packages), a full run per step; a step without a verdict is run once more.
Exit codes: 0 the change was found (or both ends agree), 2 usage or runtime error or no
verdict. --json prints { schemaVersion: 1, kind: "bisect", good, bad, candidates,
firstChanged, lastBefore, status, reason, runs: [run records] }.`,
    )
    .action(action(bisectCommand));
}

async function bisectCommand(scenario: string, flags: BisectFlags): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  try {
    let progress = progressPrinter(flags, scenario);
    const record = await runBisect({
      ...runOptionsFrom(flags),
      scenario,
      good: flags.good,
      bad: flags.bad,
      command: `heapdrift ${process.argv.slice(2).join(' ')}`,
      signal: controller.signal,
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
      const sorted = [...record.runs].sort((a, b) =>
        a.runtime.version.localeCompare(b.runtime.version, 'en', { numeric: true }),
      );
      process.stdout.write(
        `${colors.bold(`bisect ${scenario}`)}: ${record.reason}\n` +
          `  ${record.candidates.length} released versions between ${record.candidates[0]} and ${record.candidates.at(-1)}, ${record.runs.length} runs\n\n` +
          `${formatMatrix(sorted, { color })}\n\nSaved in ${record.directory}\n`,
      );
    }
    return record.status === 'complete' ? EXIT_OK : EXIT_ERROR;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
