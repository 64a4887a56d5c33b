// `heapdrift retainers <file> --id <id>`: how one object is held — the shortest paths from the
// roots to it over strong edges, root-first, the way DevTools' Retainers view reads.

import type { Command } from 'commander';
import { computeDominators } from '../../analysis/dominators.js';
import { findRetainerPaths, formatRetainerPath, nodeLabel } from '../../analysis/retainers.js';
import { UserError } from '../../errors.js';
import { formatBytes } from '../../format/index.js';
import { readHeapSnapshot } from '../../snapshot/index.js';
import { stdoutColors as pc } from '../colors.js';
import { positiveInteger } from '../flags.js';
import { action, printJson } from '../output.js';

interface RetainersFlags {
  id: string;
  json?: boolean;
  paths: string;
  depth: string;
}

/** Version of the `--json` object; bumped when a field changes meaning or goes away. */
export const RETAINERS_SCHEMA_VERSION = 1;

export function registerRetainers(program: Command): void {
  program
    .command('retainers')
    .description('print the shortest retainer paths from the roots to one object')
    .argument('<file>', 'a .heapsnapshot file')
    .requiredOption('--id <id>', 'the object id (as DevTools shows it, with or without "@")')
    .option('--json', 'print one JSON object (schemaVersion 1, kind "retainers")')
    .option('--paths <n>', 'at most n paths', '5')
    .option('--depth <n>', 'paths of at most n edges', '20')
    .addHelpText(
      'after',
      `
Paths read root-first: (GC roots) @3 --[11]--> (Handle scope) @25 --12--> system / NativeContext @5
  --retained_maps--> system / WeakArrayList @7. "--name-->" is an edge, "[n]" an element or
  hidden edge, "@n" an object id. Weak edges never retain. The first path is the one DevTools
  shows; the others follow, shortest first. No string contents are shown.

--json prints { schemaVersion: 1, kind: "retainers", file, target: { id, className, name,
  selfSize, retainedSize }, reachable, shortestDepth, maxPaths, maxDepth, truncated,
  paths: [[{ edge: { name, type } | null, node: { id, className, name } }]] }

Exit codes: 0 (also when the object is not reachable: no paths), 2 for an unknown id, a bad
flag or an unreadable file.`,
    )
    .action(action(retainersCommand));
}

async function retainersCommand(file: string, flags: RetainersFlags): Promise<number> {
  const id = objectId(flags.id);
  const maxPaths = positiveInteger(flags.paths, '--paths');
  const maxDepth = positiveInteger(flags.depth, '--depth');
  const graph = await readHeapSnapshot(file);
  const ordinal = graph.findNodeById(id);
  if (ordinal < 0)
    throw new UserError(`--id ${flags.id}: ${file} has no object with id ${id}`, 'ERR_HEAPDRIFT_NOT_FOUND');
  const result = findRetainerPaths(graph, ordinal, { maxPaths, maxDepth });
  const selfSize = graph.nodeSelfSize(ordinal);
  const retainedSize = computeDominators(graph).retainedSizes[ordinal]!;
  if (flags.json) {
    printJson({
      schemaVersion: RETAINERS_SCHEMA_VERSION,
      kind: 'retainers',
      file,
      target: { ...result.target, selfSize, retainedSize },
      reachable: result.reachable,
      shortestDepth: result.shortestDepth,
      maxPaths,
      maxDepth,
      truncated: result.truncated,
      paths: result.paths,
    });
    return 0;
  }
  process.stdout.write(
    `${pc.bold(nodeLabel(result.target))}  self ${formatBytes(selfSize)}  retained ${formatBytes(retainedSize)}\n`,
  );
  if (!result.reachable) {
    process.stdout.write('not reachable from the roots over strong edges: no retainer paths\n');
    return 0;
  }
  if (result.paths.length === 0) {
    process.stdout.write(`no path of at most ${maxDepth} edges (the shortest has ${result.shortestDepth})\n`);
    return 0;
  }
  result.paths.forEach((path, index) => {
    process.stdout.write(
      `\n${pc.dim(`path ${index + 1} (${path.length} hops):`)} ${formatRetainerPath(path)}\n`,
    );
  });
  if (result.truncated) process.stdout.write(pc.dim('\n(more paths may exist: raise --paths or --depth)\n'));
  return 0;
}

function objectId(text: string): number {
  const digits = text.trim().replace(/^@/, '');
  if (!/^\d+$/.test(digits))
    throw new UserError(`--id "${text}": expected an object id such as 12345 or @12345`);
  return Number(digits);
}
