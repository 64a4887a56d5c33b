// Flags shared by `run`, `matrix` and `bisect`: schedule, tracks, where runs are saved, and
// the live progress line.

import { resolve } from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { UserError } from '../errors.js';
import {
  formatBytes,
  formatCommand,
  formatCount,
  formatDuration,
  SPARKLINE_MAX_WIDTH,
  sparkline,
  visibleLength,
} from '../format/index.js';
import { colorFor } from '../report/terminal.js';
import type { RunEvent, RunOptions } from '../run/index.js';
import { parseCount, parseDuration, parsePathFlag } from './flags.js';

export interface RunFlags {
  snapshots?: string;
  every?: string;
  duration?: string;
  warmup?: string;
  track?: string[];
  runsDir?: string;
  keepSnapshots?: boolean;
  cacheDir?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  inheritOutput?: boolean;
  nodeArg?: string[];
  env?: string[];
  /** `run --until-settled`, or `--no-until-settled` on matrix and bisect. */
  untilSettled?: boolean;
}

export function addRunFlags(command: Command): Command {
  return command
    .option('--snapshots <n>', "snapshots to take, baseline included (default: the scenario's, else 12)")
    .option('--every <n|duration>', 'snapshot every N iterations (e.g. 8) or every duration (e.g. 2s)')
    .option('--duration <duration>', 'stop after this long (e.g. 60s, 5m) instead of after --snapshots')
    .option('--warmup <n>', 'leading snapshots the verdict ignores')
    .option(
      '--track <path>',
      'also track a path query, e.g. "NativeContext > retained_maps" (repeatable)',
      collect,
      [],
    )
    .option('--runs-dir <dir>', 'where runs are saved (default: $HEAPDRIFT_RUNS_DIR or .heapdrift/runs)')
    .option('--keep-snapshots', 'keep the heap snapshot files in the run directory (mode 0600)')
    .option('--cache-dir <dir>', 'where Node.js runtimes are cached')
    .option('--json', 'print one JSON object (schemaVersion 1) on stdout')
    .option(
      '--node-arg <flag>',
      'a flag for the runtime, e.g. --node-arg=--import=tsx (repeatable)',
      collect,
      [],
    )
    .option('--env <name=value>', "add a variable to the program's environment (repeatable)", collect, [])
    .option('--inherit-output', "pass the program's stdout and stderr through (to stderr), live")
    .option('--quiet', 'no progress on stderr')
    .option('--verbose', "progress with every tracked value and timing, and the program's output live")
    .argument('[script-args...]', 'arguments for the script, after --');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Every flag checked and converted before any work starts (no runtime resolved, no child). */
export function runOptionsFrom(
  flags: RunFlags,
  scriptArgs: string[] = [],
): Omit<RunOptions, 'scenario' | 'node'> {
  const every = flags.every;
  const everyIsDuration = every !== undefined && /[a-z]$/.test(every);
  for (const track of flags.track ?? []) parsePathFlag(track, '--track', 'heapdrift query --help');
  return {
    snapshots: parseCount(flags.snapshots, '--snapshots', 3),
    everyIterations: everyIsDuration ? undefined : parseCount(every, '--every'),
    everyMs: everyIsDuration ? parseDuration(every, '--every') : undefined,
    durationMs: parseDuration(flags.duration, '--duration'),
    warmupSnapshots: parseCount(flags.warmup, '--warmup', 0),
    track: flags.track ?? [],
    runsDir: runsDirOf(flags.runsDir),
    keepSnapshots: flags.keepSnapshots ?? false,
    cacheDir: flags.cacheDir,
    nodeArgs: (flags.nodeArg ?? []).map(checkNodeArg),
    env: parseEnvFlags(flags.env ?? []),
    scriptArgs,
    forwardOutput: flags.inheritOutput || flags.verbose ? process.stderr : undefined,
    untilSettled: flags.untilSettled,
  };
}

function checkNodeArg(flag: string): string {
  if (!flag.startsWith('-'))
    throw new UserError(`--node-arg "${flag}": expected a runtime flag such as --max-old-space-size=64`);
  return flag;
}

/** `--env NAME=value` (repeatable) as an object; the value may be empty or hold "=". */
function parseEnvFlags(entries: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(entry);
    if (!match)
      throw new UserError(`--env "${entry}": expected NAME=value, e.g. --env DATABASE_URL=postgres://…`);
    env[match[1]!] = match[2]!;
  }
  return env;
}

/** Where runs are saved: --runs-dir, else $HEAPDRIFT_RUNS_DIR, else .heapdrift/runs. */
export function runsDirOf(flag: string | undefined): string {
  return resolve(flag ?? process.env.HEAPDRIFT_RUNS_DIR ?? '.heapdrift/runs');
}

/** Live progress on stderr: one rewritten line on a terminal, a line per snapshot otherwise. */
export function progressPrinter(flags: RunFlags, label: string): (event: RunEvent) => void {
  const stream = process.stderr;
  const tty = rewrites(flags);
  const colors = pc.createColors(colorFor(stream));
  if (flags.quiet) return () => undefined;
  const history: number[] = [];
  const started = Date.now();
  return (event) => {
    if (event.type === 'runtime') {
      stream.write(
        colors.dim(
          `${label}: Node ${event.runtime.version} (${event.runtime.source}) ${event.runtime.path}\n`,
        ),
      );
    } else if (event.type === 'settled') {
      const of = event.totalSnapshots ? ` of ${event.totalSnapshots}` : '';
      stream.write(
        `${tty ? '\r\x1b[K' : ''}${label}: settled after ${event.snapshots}${of} snapshots: ${event.verdict}; stopping\n`,
      );
    } else if (event.type === 'warning') {
      stream.write(`${tty ? '\r\x1b[K' : ''}${colors.yellow('warning')}: ${event.message}\n`);
    } else if (event.type === 'snapshot') {
      const track = event.tracks[0];
      const value = track ? track.selfSize : event.row.totalSelfSize;
      history.push(value);
      const total = event.totalSnapshots ? `/${event.totalSnapshots}` : '';
      const iteration = event.row.iteration === null ? '' : ` · ${formatCount(event.row.iteration)} it`;
      const what = track ? `${track.name} ${formatBytes(value)}` : `heap ${formatBytes(value)}`;
      const timing = flags.verbose
        ? ` · capture ${event.row.captureMs} ms, parse ${event.row.parseMs} ms, analysis ${event.row.analysisMs} ms`
        : '';
      const head = `${label}: snapshot ${event.row.index + 1}${total} · ${formatDuration(Date.now() - started)}${iteration} · ${what} `;
      const line = `${head}${sparkline(history, sparklineWidth(stream, head))}${timing}`;
      stream.write(rewrites(flags) ? `\r\x1b[K${line}` : `${line}\n`);
    }
  };
}

/** Bars that fit after the line's text on the terminal (8 to 40), so a long run's line does not wrap. */
function sparklineWidth(stream: NodeJS.WriteStream, head: string): number {
  const columns = stream.isTTY && stream.columns ? stream.columns : 120;
  return Math.max(8, Math.min(SPARKLINE_MAX_WIDTH, columns - visibleLength(head) - 1));
}

export function endProgress(flags: RunFlags): void {
  if (!flags.quiet && rewrites(flags)) process.stderr.write('\r\x1b[K');
}

/** One rewritten progress line on a terminal; a line per snapshot when other output interleaves. */
function rewrites(flags: RunFlags): boolean {
  return process.stderr.isTTY === true && !flags.verbose && !flags.inheritOutput;
}

/** The command as typed, shell-quoted, for the record's reproduce line. */
export function commandLine(): string {
  return formatCommand(['heapdrift', ...process.argv.slice(2)]);
}

/** The shells' 128 + signal number, for a command that left at once on a second signal. */
const EXIT_SECOND_SIGNAL: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Runs a run, matrix or bisection that Ctrl-C and SIGTERM stop gracefully: the child finishes
 * its snapshot, every sample is kept and the record ends `incomplete`. With `secondSignalExits`,
 * a second signal leaves at once (exit 130 or 143).
 */
export async function whileStoppable<T>(
  work: (signal: AbortSignal) => Promise<T>,
  options: { secondSignalExits?: boolean } = {},
): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    // Only for work whose files are final after the first signal (written atomically):
    // leaving at once then loses nothing but the report on stdout.
    if (controller.signal.aborted && options.secondSignalExits)
      process.exit(EXIT_SECOND_SIGNAL[signal] ?? 130);
    controller.abort();
    if (options.secondSignalExits)
      process.stderr.write(
        `\n${signal}: stopping, the record is saved as it stands; again to leave at once\n`,
      );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
