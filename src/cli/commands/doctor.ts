// `heapdrift doctor [--node V] [--probe]`: which known runtime leaks affect a Node.js version,
// from the measured knowledge base; with --probe each leak's scenario also runs live there.

import type { Command } from 'commander';
import pc from 'picocolors';
import { UserError } from '../../errors.js';
import { answersFor, type KnowledgeAnswer, loadKnowledgeBase } from '../../knowledge/index.js';
import { colorFor, table, verdictLabel } from '../../report/index.js';
import { type RunOutcome, runScenario } from '../../run/index.js';
import { resolveVersion } from '../../runtimes/index.js';
import { action, EXIT_LEAK, EXIT_OK, printJson } from '../output.js';
import { runsDirOf } from '../run-flags.js';

interface DoctorFlags {
  node?: string;
  probe?: boolean;
  only?: string;
  json?: boolean;
  quiet?: boolean;
  runsDir?: string;
  cacheDir?: string;
}

interface DoctorRow extends KnowledgeAnswer {
  probe: { verdict: RunOutcome; reason: string; runId: string } | null;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('is this Node.js version affected by a known runtime leak? (measured knowledge base)')
    .option('--node <version>', 'the version to ask about (default: the Node.js running heapdrift)')
    .option('--probe', "also run each known leak's scenario live under that version")
    .option('--only <ids>', 'only these knowledge-base entries (comma-separated ids)')
    .option(
      '--runs-dir <dir>',
      'where probe runs are saved (default: $HEAPDRIFT_RUNS_DIR or .heapdrift/runs)',
    )
    .option('--cache-dir <dir>', 'where Node.js runtimes are cached')
    .option('--json', 'print { schemaVersion: 1, kind: "doctor", version, entries } on stdout')
    .option('--quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      `
Exit codes: 0 no known leak affects the version (and no probe leaked), 1 a known leak affects
it (or a probe found the leak live), 2 usage or runtime error.`,
    )
    .action(action(doctorCommand));
}

async function doctorCommand(flags: DoctorFlags): Promise<number> {
  const spec = flags.node ?? process.version.slice(1);
  const version = (await resolveVersion(spec, { cacheDir: flags.cacheDir })).version;
  let entries = loadKnowledgeBase();
  if (flags.only) {
    const ids = flags.only.split(',').map((id) => id.trim());
    const unknown = ids.filter((id) => !entries.some((loaded) => loaded.entry.id === id));
    if (unknown.length > 0)
      throw new UserError(
        `--only: no knowledge-base entry ${unknown.join(', ')} (known: ${entries.map((loaded) => loaded.entry.id).join(', ')})`,
        'ERR_HEAPDRIFT_OPTION',
      );
    entries = entries.filter((loaded) => ids.includes(loaded.entry.id));
  }
  const rows: DoctorRow[] = [];
  for (const answer of answersFor(entries, version)) {
    rows.push({ ...answer, probe: flags.probe ? await probe(answer, version, flags) : null });
  }
  if (flags.json) printJson({ schemaVersion: 1, kind: 'doctor', version, entries: rows });
  else process.stdout.write(`${formatDoctor(version, rows, colorFor(process.stdout))}\n`);
  const affected = rows.some((row) => row.status === 'affected' || row.probe?.verdict === 'leak');
  return affected ? EXIT_LEAK : EXIT_OK;
}

async function probe(
  answer: KnowledgeAnswer,
  version: string,
  flags: DoctorFlags,
): Promise<DoctorRow['probe']> {
  if (!flags.quiet)
    process.stderr.write(`doctor: probing ${answer.id} (scenario ${answer.scenario}) on Node ${version}\n`);
  const run = await runScenario({
    scenario: answer.scenario,
    node: version,
    runsDir: runsDirOf(flags.runsDir),
    cacheDir: flags.cacheDir,
    untilSettled: true,
    command: `heapdrift run ${answer.scenario} --node ${version} --until-settled`,
  });
  return { verdict: run.verdict, reason: run.verdictReason, runId: run.id };
}

function formatDoctor(version: string, rows: DoctorRow[], color: boolean): string {
  const colors = pc.createColors(color);
  const status = (row: DoctorRow) =>
    row.status === 'affected'
      ? colors.red(colors.bold('AFFECTED'))
      : row.status === 'not-affected'
        ? colors.green('not affected')
        : colors.yellow('not measured');
  const fix = (row: DoctorRow) =>
    row.status === 'affected'
      ? row.upgradeTo
        ? `upgrade to ${row.upgradeTo} or later${row.firstFixed ? '' : ` (no fixed ${version.split('.')[0]}.x release)`}`
        : 'no fixed release measured'
      : row.status === 'not-measured'
        ? `line ${version.split('.')[0]} not measured`
        : row.affected
          ? `affected: ${row.affected}`
          : 'line never affected';
  const header = ['Known leak', 'Knowledge base', 'Fix', ...(rows.some((row) => row.probe) ? ['Probe'] : [])];
  const body = rows.map((row) => [
    row.id,
    status(row),
    fix(row),
    ...(row.probe ? [verdictLabel(row.probe.verdict, colors)] : []),
  ]);
  const affected = rows.filter((row) => row.status === 'affected');
  const summary =
    affected.length > 0
      ? `Node ${version} is affected by ${affected.length} known runtime leak${affected.length > 1 ? 's' : ''}.`
      : `No known runtime leak affects Node ${version}.`;
  const titles = rows.map((row) => `  ${row.id}: ${row.title}`).join('\n');
  return `${colors.bold(summary)}\n\n${table([header, ...body])}\n\n${titles}`;
}
