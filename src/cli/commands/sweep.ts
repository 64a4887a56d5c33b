// `heapdrift sweep`: the scenario library (known runtime leaks and canaries) over released
// Node.js versions, cached per heapdrift version, optionally one shard of it or several jobs.

import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { explainWith, loadKnowledgeBase } from '../../knowledge/index.js';
import {
  colorFor,
  formatSweep,
  formatSweepHtml,
  formatSweepMarkdown,
  sweepFindings,
  writeReportFile,
} from '../../report/index.js';
import {
  defaultSweepCacheDir,
  parseShard,
  planSweepVersions,
  runSweep,
  type SweepRecord,
  sweepScenarioNames,
} from '../../run/index.js';
import { parseCount } from '../flags.js';
import { action, EXIT_ERROR, EXIT_LEAK, EXIT_OK, printJson } from '../output.js';
import { commandLine, runsDirOf, whileStoppable } from '../run-flags.js';

interface SweepFlags {
  lines?: string;
  since?: string;
  versions?: string;
  pick?: string;
  scenarios?: string;
  shard?: string;
  jobs?: string;
  snapshots?: string;
  every?: string;
  warmup?: string;
  resultsDir?: string;
  cache?: boolean;
  fresh?: boolean;
  runsDir?: string;
  cacheDir?: string;
  markdown?: string;
  html?: string;
  json?: boolean;
  quiet?: boolean;
  untilSettled?: boolean;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('run the known-leak scenarios and runtime canaries over released Node.js versions')
    .option('--lines <majors>', 'release lines, e.g. 20,22,24,26 (default: even lines from 20)')
    .option('--since <version>', 'only versions at or after this one, e.g. 22.10.0')
    .option('--versions <list>', 'exact versions instead of lines, e.g. 22.14.0,22.15.0')
    .option(
      '--pick <which>',
      'all releases, the newest patch of each minor, or the newest per line: all|minor|latest',
      'all',
    )
    .option('--scenarios <names>', 'all (knowledge base + canaries) or a comma-separated list', 'all')
    .option('--shard <i/n>', 'run only shard i of n of the cells (join shards with heapdrift merge)')
    .option('--jobs <n>', 'runs at a time (default 1; parallel runs share the cores, see README)')
    .option(
      '--no-until-settled',
      'take every snapshot instead of stopping once the verdict is settled (see README)',
    )
    .option('--snapshots <n>', "snapshots per run (default: each scenario's)")
    .option('--every <n>', "iterations between snapshots (default: each scenario's)")
    .option('--warmup <n>', "leading snapshots the verdict ignores (default: each scenario's)")
    .option(
      '--results-dir <dir>',
      'cache of results per (scenario, version, heapdrift version)',
      defaultSweepCacheDir(),
    )
    .option('--no-cache', 'neither read nor write cached results')
    .option('--fresh', 'run every cell again (new results are still cached)')
    .option('--runs-dir <dir>', 'where runs are saved (default: $HEAPDRIFT_RUNS_DIR or .heapdrift/runs)')
    .option('--cache-dir <dir>', 'where Node.js runtimes are cached')
    .option('--markdown <file>', 'also write the report as Markdown')
    .option('--html <file>', 'also write the report as a self-contained HTML page')
    .option('--json', 'print the sweep record (kind "sweep", schemaVersion 1) on stdout')
    .option('--quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      `
Cells run one after the other (--jobs N for more), each saved as an ordinary run; sweep.json in
its own directory lists them. Exit codes: 0 no leak the knowledge base does not explain, 1 a new
leak (a leaking cell no known-leak entry covers), 2 usage or runtime error or cells without a
verdict.`,
    )
    .action(action(sweepCommand));
}

async function sweepCommand(flags: SweepFlags): Promise<number> {
  const scenarios = sweepScenarioNames(flags.scenarios);
  const pick = flags.pick ?? 'all';
  if (pick !== 'all' && pick !== 'minor' && pick !== 'latest')
    throw new UserError(`--pick "${pick}": expected all, minor or latest`, 'ERR_HEAPDRIFT_OPTION');
  const versions = await planSweepVersions({
    lines: flags.lines === undefined ? undefined : parseLines(flags.lines),
    since: flags.since,
    versions: flags.versions === undefined ? undefined : listOf(flags.versions),
    pick,
  });
  const schedule: SweepRecord['schedule'] = {};
  const snapshots = parseCount(flags.snapshots, '--snapshots', 3);
  const everyIterations = parseCount(flags.every, '--every');
  const warmupSnapshots = parseCount(flags.warmup, '--warmup', 0);
  if (snapshots !== undefined) schedule.snapshots = snapshots;
  if (everyIterations !== undefined) schedule.everyIterations = everyIterations;
  if (warmupSnapshots !== undefined) schedule.warmupSnapshots = warmupSnapshots;
  return whileStoppable(async (signal) => {
    const record = await runSweep({
      scenarios,
      versions,
      schedule,
      shard: flags.shard === undefined ? undefined : parseShard(flags.shard),
      jobs: parseCount(flags.jobs, '--jobs', 1) ?? 1,
      untilSettled: flags.untilSettled,
      resultsDir: flags.cache === false ? undefined : resolve(flags.resultsDir ?? defaultSweepCacheDir()),
      fresh: flags.fresh ?? false,
      runsDir: runsDirOf(flags.runsDir),
      cacheDir: flags.cacheDir,
      command: commandLine(),
      signal,
      onCellStart: (scenario, version) => {
        if (!flags.quiet) process.stderr.write(`sweep: running ${scenario} on Node ${version}\n`);
      },
      onCell: (cell, done, total) => {
        if (!flags.quiet)
          process.stderr.write(
            `sweep: ${done}/${total} ${cell.scenario} @ ${cell.version}: ${cell.verdict}${cell.cached ? ' (cached)' : ''}\n`,
          );
      },
    });
    return printSweep(record, flags);
  });
}

/** Prints and writes a sweep's report (also used by `merge`); returns the exit code. */
export function printSweep(
  record: SweepRecord,
  flags: { json?: boolean; markdown?: string; html?: string },
  savedIn = record.directory,
): number {
  const explain = explainWith(loadKnowledgeBase());
  if (flags.markdown) writeReportFile(flags.markdown, formatSweepMarkdown(record, explain));
  if (flags.html) writeReportFile(flags.html, formatSweepHtml(record, explain));
  if (flags.json) printJson(record);
  else
    process.stdout.write(
      `${formatSweep(record, explain, { color: colorFor(process.stdout) })}\n\nSaved in ${savedIn}\n`,
    );
  const planned = record.shard
    ? Math.ceil(
        (record.scenarios.length * record.versions.length - record.shard.index + 1) / record.shard.count,
      )
    : record.scenarios.length * record.versions.length;
  const undecided = record.cells.some((cell) => cell.verdict !== 'leak' && cell.verdict !== 'no-leak');
  if (record.cells.length < planned || undecided) return EXIT_ERROR;
  return sweepFindings(record, explain).some((finding) => finding.known === null) ? EXIT_LEAK : EXIT_OK;
}

function parseLines(text: string): number[] {
  return listOf(text).map((item) => {
    if (!/^\d+$/.test(item))
      throw new UserError(`--lines "${text}": expected majors such as 20,22,24`, 'ERR_HEAPDRIFT_OPTION');
    return Number(item);
  });
}

function listOf(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
