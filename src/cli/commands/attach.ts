// `heapdrift attach <pid | host:port | ws://…>`: snapshot a live Node.js process over its
// inspector on a schedule and judge it like a run; say what was left of its inspector.

import { resolve } from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { formatRun } from '../../report/index.js';
import { colorFor } from '../../report/terminal.js';
import { type AttachSource, type RunRecord, runAttach } from '../../run/index.js';
import { parseCount, parseDuration } from '../flags.js';
import { action, printJson } from '../output.js';
import { endProgress, progressPrinter } from '../run-flags.js';
import { exitCodeOf } from './run.js';

interface AttachFlags {
  every?: string;
  snapshots?: string;
  duration?: string;
  warmup?: string;
  track: string[];
  runsDir?: string;
  keepSnapshots?: boolean;
  host?: string;
  snapshotTimeout?: string;
  closeInspector?: boolean;
  memoryFactor?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export function registerAttach(program: Command): void {
  program
    .command('attach')
    .description(
      'snapshot a running Node.js process over its inspector on a schedule and judge every structure',
    )
    .argument('<target>', 'a pid (the inspector is opened with SIGUSR1), host:port, or a ws:// inspector URL')
    .option('--every <duration>', 'time between snapshots (e.g. 60s, 5m)', '30s')
    .option('--snapshots <n>', 'snapshots to take (default 12)')
    .option('--duration <duration>', 'stop after this long (e.g. 2h) instead of after --snapshots')
    .option('--warmup <n>', 'leading snapshots the verdict ignores (default 2)')
    .option(
      '--track <path>',
      'also track a path query, e.g. "NativeContext > retained_maps" (repeatable)',
      collect,
      [],
    )
    .option('--runs-dir <dir>', 'where the record is saved (default: $HEAPDRIFT_RUNS_DIR or .heapdrift/runs)')
    .option('--keep-snapshots', 'also write each snapshot into the record directory (mode 0600)')
    .option('--host <address>', 'allow this non-loopback inspector address (unauthenticated: use with care)')
    .option(
      '--snapshot-timeout <duration>',
      'give up when one snapshot takes longer (a blocked event loop)',
      '120s',
    )
    .option('--close-inspector', 'close the inspector heapdrift opened with SIGUSR1 when leaving')
    .option('--memory-factor <n>', 'free memory needed before a snapshot, in multiples of the used heap', '2')
    .option('--json', 'print the record (schemaVersion 1, kind "attach") on stdout')
    .option('--quiet', 'no progress on stderr')
    .option('--verbose', 'progress with every tracked value and timing')
    .addHelpText(
      'after',
      `
Before each snapshot heapdrift reads the target's heap statistics and skips the snapshot
when less than about twice its heap is available (V8 needs that much to write one;
--memory-factor changes the multiple); three refusals in a row end the attach. A
snapshot that does not finish within --snapshot-timeout (the target's event loop blocked)
ends the attach. Ctrl-C or the target exiting end it too: the samples so far are kept and
the verdict is "incomplete". The target keeps running either way.

An inspector heapdrift opened with SIGUSR1 stays listening on 127.0.0.1 unless
--close-inspector (closing it from inside crashed Node 26.10.0 in one of three tries here).

Exit codes: 0 no leak, 1 leak found, 2 usage error, or no verdict reached.`,
    )
    .action(action(attachCommand));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function attachCommand(target: string, flags: AttachFlags): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const record = await runAttach({
      target,
      allowedHost: flags.host,
      everyMs: parseDuration(flags.every, '--every'),
      snapshots: parseCount(flags.snapshots, '--snapshots', 3),
      durationMs: parseDuration(flags.duration, '--duration'),
      warmupSnapshots: parseCount(flags.warmup, '--warmup', 0),
      track: flags.track,
      runsDir: resolve(flags.runsDir ?? process.env.HEAPDRIFT_RUNS_DIR ?? '.heapdrift/runs'),
      keepSnapshots: flags.keepSnapshots ?? false,
      snapshotTimeoutMs: parseDuration(flags.snapshotTimeout, '--snapshot-timeout'),
      closeInspector: flags.closeInspector ?? false,
      memoryFactor: parseCount(flags.memoryFactor, '--memory-factor'),
      command: `heapdrift ${process.argv.slice(2).join(' ')}`,
      onEvent: progressPrinter(flags, `attach ${target}`),
      signal: controller.signal,
    });
    endProgress(flags);
    if (flags.host)
      process.stderr.write(`${pc.yellow('warning')}: attached to a non-loopback inspector (${flags.host})\n`);
    process.stderr.write(`${inspectorNote(record)}\n`);
    if (flags.json) printJson(record);
    else process.stdout.write(`${formatRun(record, { color: colorFor(process.stdout) })}\n`);
    return exitCodeOf([record]);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** One line on what heapdrift left behind in the target. */
function inspectorNote(record: RunRecord): string {
  const source = record.source as AttachSource;
  const where = source.inspector;
  if (!source.openedInspector)
    return `inspector: it was already open before heapdrift attached; left as it was (${where}, ${source.inspectorAfter})`;
  switch (source.inspectorAfter) {
    case 'closed':
      return `inspector: heapdrift opened it with SIGUSR1 and closed it (${where} no longer listens)`;
    case 'listening':
      return `inspector: heapdrift opened it with SIGUSR1 and it is still listening on ${where} (loopback only); pass --close-inspector to close it, or restart the process`;
    default:
      return `inspector: heapdrift opened it with SIGUSR1; whether ${where} still listens is unknown (the process is gone?)`;
  }
}
