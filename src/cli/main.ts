#!/usr/bin/env node
// heapdrift's command line: one file per command under ./commands, each thin over the library.

import { Command, CommanderError } from 'commander';
import { HEAPDRIFT_VERSION } from '../version.js';
import { registerAttach } from './commands/attach.js';
import { registerBisect } from './commands/bisect.js';
import { registerDiff } from './commands/diff.js';
import { registerDoctor } from './commands/doctor.js';
import { registerInfo } from './commands/info.js';
import { registerMatrix } from './commands/matrix.js';
import { registerMerge } from './commands/merge.js';
import { registerQuery } from './commands/query.js';
import { registerReport } from './commands/report.js';
import { registerRetainers } from './commands/retainers.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerRuntimes } from './commands/runtimes.js';
import { registerSeries } from './commands/series.js';
import { registerSummary } from './commands/summary.js';
import { registerSweep } from './commands/sweep.js';
import { EXIT_ERROR, usageErrorLine } from './output.js';

const program = new Command();
program
  .name('heapdrift')
  .description('Find slow memory leaks in Node.js programs and in the Node.js runtime itself.')
  .version(HEAPDRIFT_VERSION)
  // Usage errors read like every other error: one line with a stable code (set before the
  // commands are added, so each inherits it).
  .configureOutput({ outputError: (text, write) => write(usageErrorLine(text)) })
  .exitOverride();

registerRun(program);
registerMatrix(program);
registerBisect(program);
registerInfo(program);
registerQuery(program);
registerRetainers(program);
registerDiff(program);
registerRuntimes(program);
registerSummary(program);
registerReport(program);
registerRuns(program);
registerSeries(program);
registerAttach(program);
registerDoctor(program);
registerSweep(program);
registerMerge(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander already printed its message; help and --version exit 0.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_ERROR;
  } else {
    throw error;
  }
}
