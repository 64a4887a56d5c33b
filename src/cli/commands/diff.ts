// `heapdrift diff <before> <after>`: what changed between two snapshots, per class. By object id
// when both are of one process (new / deleted objects), by class totals otherwise.

import type { Command } from 'commander';
import { type ClassDelta, diffSnapshots, type SnapshotDiff } from '../../analysis/diff.js';
import { UserError } from '../../errors.js';
import { type Align, formatBytes, signed, tableLines } from '../../format/index.js';
import { diffRecord } from '../../run/index.js';
import { readHeapSnapshot } from '../../snapshot/index.js';
import { stdoutColors as pc } from '../colors.js';
import { positiveInteger } from '../flags.js';
import { action, printJson } from '../output.js';

interface DiffFlags {
  json?: boolean;
  top: string;
  by: string;
  internals?: boolean;
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('compare two heap snapshots per class (by object id when they are of one process)')
    .argument('<before>', 'the earlier .heapsnapshot file')
    .argument('<after>', 'the later .heapsnapshot file')
    .option('--json', 'print one JSON object (schemaVersion 1, kind "diff")')
    .option('--top <n>', 'show the n classes whose size changed most', '20')
    .option('--by <mode>', 'auto, id or class (see below)', 'auto')
    .option(
      '--internals',
      'split (system), (object shape) and (compiled code) by V8 type: system / WeakArrayList…',
    )
    .addHelpText(
      'after',
      `
--by id     one process: an id names the same object in both, so each class also shows the
            objects added (ids only in <after>) and removed (ids only in <before>).
--by class  any two snapshots (two processes, two Node.js versions): class totals only.
--by auto   id when both snapshots have the same format, share at least half of the smaller
            one's ids, and 98% of the shared ids sampled name the same kind of object;
            class otherwise. The output says which was used and why.
Counts, sizes and their deltas per class are the same in both modes.

--json prints { schemaVersion: 1, kind: "diff", before: { file, nodeCount, selfSize }, after,
  mode, modeReason, sameFormat, ids: { added, addedSize, removed, removedSize, kept } | null,
  overlap: { commonIds, fraction, agreement }, classCount, top, classes: [{ className,
  beforeCount, afterCount, beforeSize, afterSize, countDelta, sizeDelta, addedCount, addedSize,
  removedCount, removedSize }] } (the added/removed fields are null when diffing by class)

Exit codes: 0, or 2 for a bad flag, an unreadable file, or --by id on snapshots of different
formats.`,
    )
    .action(action(diffCommand));
}

async function diffCommand(beforeFile: string, afterFile: string, flags: DiffFlags): Promise<number> {
  const top = positiveInteger(flags.top, '--top');
  const by = flags.by;
  if (by !== 'auto' && by !== 'id' && by !== 'class') {
    throw new UserError(`--by "${by}": expected auto, id or class`);
  }
  const before = await readHeapSnapshot(beforeFile);
  const after = await readHeapSnapshot(afterFile);
  const diff = diffSnapshots(before, after, { by, internalsByName: flags.internals === true });
  if (flags.json) {
    printJson(diffRecord(beforeFile, afterFile, diff, top));
    return 0;
  }
  printDiff(diff, beforeFile, afterFile, top);
  return 0;
}

function printDiff(diff: SnapshotDiff, beforeFile: string, afterFile: string, top: number): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(
    `${pc.bold('before')} ${beforeFile}: ${diff.before.nodeCount} objects, ${formatBytes(diff.before.selfSize)}`,
  );
  out(
    `${pc.bold('after')}  ${afterFile}: ${diff.after.nodeCount} objects, ${formatBytes(diff.after.selfSize)}`,
  );
  out(`compared by ${diff.mode} (${diff.modeReason})`);
  if (diff.ids) {
    out(
      `objects: +${diff.ids.added} new (${formatBytes(diff.ids.addedSize)}), -${diff.ids.removed} deleted (${formatBytes(diff.ids.removedSize)}), ${diff.ids.kept} kept`,
    );
  }
  const rows = diff.classes.slice(0, top).filter((row) => row.sizeDelta !== 0 || row.countDelta !== 0);
  if (rows.length === 0) {
    out('\nno class changed in count or size');
    return;
  }
  const byId = diff.mode === 'id';
  const header = ['size Δ', 'count Δ', 'count', 'size', ...(byId ? ['+new', '-deleted'] : []), 'class'];
  const align = header.map((_, column): Align => (column === header.length - 1 ? 'left' : 'right'));
  const [headerLine, ...lines] = tableLines([header, ...rows.map((row) => rowCells(row, byId))], { align });
  out();
  out(pc.dim(headerLine!));
  for (const line of lines) out(line);
  if (diff.classes.length > top) out(pc.dim(`(${diff.classes.length - top} more classes: raise --top)`));
}

function rowCells(row: ClassDelta, byId: boolean): string[] {
  const cells = [
    row.sizeDelta > 0 ? signed(formatBytes(row.sizeDelta)) : formatBytes(row.sizeDelta),
    row.countDelta > 0 ? signed(String(row.countDelta)) : String(row.countDelta),
    `${row.beforeCount}→${row.afterCount}`,
    `${formatBytes(row.beforeSize)}→${formatBytes(row.afterSize)}`,
  ];
  if (byId) cells.push(`+${row.addedCount}`, `-${row.removedCount}`);
  cells.push(row.className);
  return cells;
}
