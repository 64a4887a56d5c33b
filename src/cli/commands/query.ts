// `heapdrift query <file> <path>`: the structures a readable path of edge and node names leads
// to (`NativeContext > retained_maps`), each with its sizes, entries and retainer path.

import type { Command } from 'commander';
import { computeDistances } from '../../analysis/distances.js';
import { computeDominators } from '../../analysis/dominators.js';
import { PATH_PATTERN_GRAMMAR } from '../../analysis/path-pattern.js';
import { type QueryMatch, queryGraph } from '../../analysis/query.js';
import { formatRetainerPath, nodeLabel } from '../../analysis/retainers.js';
import { formatBytes } from '../../format/index.js';
import { readHeapSnapshot } from '../../snapshot/index.js';
import { stdoutColors as pc } from '../colors.js';
import { parsePathFlag, positiveInteger } from '../flags.js';
import { action, printJson } from '../output.js';

interface QueryFlags {
  json?: boolean;
  limit: string;
}

/** Version of the `--json` object; bumped when a field changes meaning or goes away. */
export const QUERY_SCHEMA_VERSION = 1;

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('find structures by a path of edge and node names, e.g. "NativeContext > retained_maps"')
    .argument('<file>', 'a .heapsnapshot file')
    .argument('<path>', 'a path pattern (see below)')
    .option('--json', 'print one JSON object (schemaVersion 1, kind "query")')
    .option('--limit <n>', 'describe at most n matches, largest first (all are counted)', '20')
    .addHelpText(
      'after',
      `
${PATH_PATTERN_GRAMMAR}

Each match shows its id, class, name (for (system) nodes), self and retained size, edge
count, entries (edges named by an index: the live entries of lists such as WeakArrayList) and
its shortest retainer path from the roots. No string contents are shown.

--json prints { schemaVersion: 1, kind: "query", file, pattern, matchCount, limit, matches:
  [{ id, className, name, selfSize, edgeCount, entryCount, retainedSize, distance,
     path: [{ edge: { name, type } | null, node: { id, className, name } }] | null }] }

Exit codes: 0 (also when nothing matches: "no match" is written to stderr and --json prints
matchCount 0), 2 for a bad path, a bad flag or an unreadable file.`,
    )
    .action(action(queryCommand));
}

async function queryCommand(file: string, pathText: string, flags: QueryFlags): Promise<number> {
  const limit = positiveInteger(flags.limit, '--limit');
  const pattern = parsePathFlag(pathText, '<path>', 'heapdrift query --help');
  const graph = await readHeapSnapshot(file);
  const distances = computeDistances(graph);
  const { retainedSizes } = computeDominators(graph);
  const result = queryGraph(graph, pattern, { distances, retainedSizes, limit });
  if (flags.json) {
    printJson({
      schemaVersion: QUERY_SCHEMA_VERSION,
      kind: 'query',
      file,
      pattern: result.pattern,
      matchCount: result.matchCount,
      limit,
      matches: result.matches.map(({ ordinal: _ordinal, ...match }) => match),
    });
  } else {
    printMatches(result.pattern, result.matchCount, result.matches);
  }
  if (result.matchCount === 0)
    process.stderr.write(`heapdrift: no match for "${result.pattern}" in ${file}\n`);
  return 0;
}

function printMatches(pattern: string, matchCount: number, matches: QueryMatch[]): void {
  if (matchCount === 0) return;
  const shown = matches.length < matchCount ? ` (showing the ${matches.length} largest)` : '';
  process.stdout.write(`${matchCount} ${matchCount === 1 ? 'match' : 'matches'} for ${pattern}${shown}\n`);
  for (const match of matches) {
    const sizes = [
      `self ${formatBytes(match.selfSize)}`,
      match.retainedSize === null ? null : `retained ${formatBytes(match.retainedSize)}`,
      `edges ${match.edgeCount}`,
      `entries ${match.entryCount}`,
    ].filter((part) => part !== null);
    process.stdout.write(`\n${pc.bold(nodeLabel(match))}  ${sizes.join('  ')}\n`);
    const path =
      match.path === null ? pc.dim('(not reachable from the roots)') : formatRetainerPath(match.path);
    process.stdout.write(`  ${pc.dim('path:')} ${path}\n`);
  }
}
