// `heapdrift summary <file>`: the heap by class — instance count, self size and retained size,
// largest retained first — like the Summary view of Chrome DevTools.

import type { Command } from 'commander';
import { type ClassSummaryEntry, computeDominators, summarizeClasses } from '../../analysis/index.js';
import { formatBytes, formatPercent, tableLines } from '../../format/index.js';
import { summaryRecord } from '../../run/index.js';
import { readHeapSnapshot } from '../../snapshot/index.js';
import { stdoutColors as pc } from '../colors.js';
import { positiveInteger } from '../flags.js';
import { action, printJson } from '../output.js';

interface SummaryFlags {
  json?: boolean;
  top: string;
}

/** Largest instances listed per class in `--json`. */
const INSTANCES_PER_CLASS = 3;

export function registerSummary(program: Command): void {
  program
    .command('summary')
    .description('count, self size and retained size per class, largest retained first')
    .argument('<file>', 'a .heapsnapshot file')
    .option('--top <n>', 'show the n classes with the largest retained size', '20')
    .option('--json', 'print one JSON object (schemaVersion 1, kind "summary")')
    .addHelpText(
      'after',
      `
Classes are constructor names for objects, and (system), (array), (string), (closure),
(compiled code), … for V8's internal kinds. A class's retained size counts each instance
that no other instance of the class dominates, as Chrome DevTools does. Self sizes are V8's
own (DevTools moves the size of an object's private arrays into the object's self size).

--json prints { schemaVersion: 1, kind: "summary", file, nodeCount, edgeCount, totalSelfSize,
extraNativeBytes, unreachableCount, orphanCount, unreachableCycleNodeCount, classCount, top,
classes: [{ className, count, selfSize, retainedSize, topInstances: [{ id, selfSize,
retainedSize }] }] }; sizes are bytes, ids are snapshot object ids. No string contents are shown.

Exit codes: 0, or 2 for a bad flag or an unreadable file.`,
    )
    .action(action(summaryCommand));
}

async function summaryCommand(file: string, flags: SummaryFlags): Promise<number> {
  const top = positiveInteger(flags.top, '--top');
  const graph = await readHeapSnapshot(file);
  const tree = computeDominators(graph);
  const summary = summarizeClasses(graph, tree, { topInstanceCount: INSTANCES_PER_CLASS });
  const classes = summary.classes.slice(0, top);
  if (flags.json) {
    printJson(summaryRecord(file, graph, tree, summary, top));
    return 0;
  }
  printTable(classes, summary.totalSelfSize);
  const hidden = summary.classes.length - classes.length;
  const footer = [
    `${graph.nodeCount} nodes, ${summary.classes.length} classes, total ${formatBytes(summary.totalSelfSize)}`,
    hidden > 0 ? `${hidden} smaller classes not shown (--top)` : '',
    tree.unreachableCount > 0 ? `${tree.unreachableCount} nodes not retained from the roots` : '',
  ].filter((part) => part !== '');
  process.stdout.write(`${pc.dim(footer.join('; '))}\n`);
  return 0;
}

function printTable(classes: ClassSummaryEntry[], totalSize: number): void {
  const rows = classes.map((entry) => [
    entry.className,
    String(entry.count),
    formatBytes(entry.selfSize),
    formatBytes(entry.retainedSize),
    totalSize > 0 ? formatPercent(entry.retainedSize / totalSize) : '',
  ]);
  const [header, ...body] = tableLines([['Class', 'Count', 'Self size', 'Retained size', '%'], ...rows], {
    align: ['left', 'right', 'right', 'right', 'right'],
    // Long constructor names would push every number off screen; cut them, never the numbers.
    maxWidth: [60],
  });
  process.stdout.write(`${pc.bold(header!)}\n`);
  for (const line of body) process.stdout.write(`${line}\n`);
}
