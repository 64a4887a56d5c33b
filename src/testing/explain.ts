// What a leaking function left behind: a heap snapshot taken in-process while heap tracking
// still runs (so object ids match the tracker's), the objects whose ids were given out during
// the measured batches grouped by class, and one retainer path from the roots to a sample.
// The snapshot is parsed from memory: nothing is written to disk.

import { findRetainerPaths, formatRetainerPath, type PathHop, type RetainerPath } from '../analysis/index.js';
import type { HeapGraph } from '../snapshot/index.js';
import { HeapSnapshotParser } from '../snapshot/index.js';
import type { HeapTracker } from './heap-tracker.js';
import { PER_CALL_FLOOR } from './per-call-verdict.js';

export interface RetainedClass {
  className: string;
  /** Objects of this class allocated during the measured batches and still alive. */
  objects: number;
  bytes: number;
  objectsPerCall: number;
  bytesPerCall: number;
}

export interface RetainedSample {
  className: string;
  /** The heap snapshot id of the sample object. */
  id: number;
  /** Root-first: `(GC roots) @3 --[12]--> … --[799]--> (closure) @1234`; null when no strong path was found. */
  retainerPath: string | null;
}

export interface LeakExplanation {
  /** Classes with the most retained objects first. */
  classes: RetainedClass[];
  /** A retained object of the first class (the median by allocation order). */
  sample: RetainedSample | null;
}

/** Most classes kept in the explanation. */
const MAXIMUM_CLASSES = 8;
/** Classes retained less often than once in this many calls are left out (one-offs, not the leak). */
const SHOWN_PER_CALL = 0.05;

/**
 * Groups the live objects with ids in (afterId, upToId] — those allocated during `calls` calls
 * of the measured batches — by class.
 */
export async function explainRetained(
  tracker: HeapTracker,
  range: { afterId: number; upToId: number },
  calls: number,
): Promise<LeakExplanation> {
  const parser = new HeapSnapshotParser();
  await tracker.takeSnapshot((chunk) => parser.write(chunk));
  const graph = parser.end();
  const byClass = new Map<string, { objects: number; bytes: number }>();
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    if (!inRange(graph, ordinal, range)) continue;
    const className = graph.className(ordinal);
    const entry = byClass.get(className) ?? { objects: 0, bytes: 0 };
    entry.objects += 1;
    entry.bytes += graph.nodeSelfSize(ordinal);
    byClass.set(className, entry);
  }
  const ranked = [...byClass.entries()]
    .map(([className, entry]) => ({
      className,
      objects: entry.objects,
      bytes: entry.bytes,
      objectsPerCall: entry.objects / calls,
      bytesPerCall: entry.bytes / calls,
    }))
    .sort(
      (a, b) =>
        Number(b.objectsPerCall >= PER_CALL_FLOOR) - Number(a.objectsPerCall >= PER_CALL_FLOOR) ||
        classPriority(a.className) - classPriority(b.className) ||
        b.objects - a.objects ||
        b.bytes - a.bytes,
    );
  const first = ranked[0];
  return {
    classes: ranked.filter((entry) => entry.objectsPerCall >= SHOWN_PER_CALL).slice(0, MAXIMUM_CLASSES),
    sample: first
      ? describeSample(graph, first.className, medianInstance(graph, first.className, range))
      : null,
  };
}

function inRange(graph: HeapGraph, ordinal: number, range: { afterId: number; upToId: number }): boolean {
  const id = graph.nodeId(ordinal);
  return id > range.afterId && id <= range.upToId;
}

/**
 * The instance of the class with the median id: one the batches left behind, not the objects
 * the measurement itself made just before its last count (the newest ones).
 */
function medianInstance(
  graph: HeapGraph,
  className: string,
  range: { afterId: number; upToId: number },
): number {
  const instances: number[] = [];
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    if (inRange(graph, ordinal, range) && graph.className(ordinal) === className) instances.push(ordinal);
  }
  instances.sort((a, b) => graph.nodeId(a) - graph.nodeId(b));
  return instances[Math.floor(instances.length / 2)]!;
}

function describeSample(graph: HeapGraph, className: string, ordinal: number): RetainedSample {
  // Leaks in linked lists (Node's timer lists) sit hundreds of hops deep: no depth limit,
  // and runs of the same hop are shortened for reading.
  const found = findRetainerPaths(graph, ordinal, { maxPaths: 1, maxDepth: graph.nodeCount });
  const path = found.paths[0];
  return { className, id: graph.nodeId(ordinal), retainerPath: path ? formatShortenedPath(path) : null };
}

/** Runs of at least this many hops with the same edge name and class are shortened. */
const SHORTENED_RUN = 4;

/** `formatRetainerPath`, with a run such as 300 `--_idleNext--> Timeout` hops kept as its first and last. */
export function formatShortenedPath(path: RetainerPath): string {
  const parts: string[] = [];
  let start = 0;
  while (start < path.length) {
    let end = start + 1;
    while (end < path.length && sameHop(path[start]!, path[end]!)) end++;
    const run = end - start;
    if (run >= SHORTENED_RUN) {
      const hop = path[start]!;
      parts.push(
        formatRetainerPath([hop]),
        `… ${run - 2} more --${hop.edge!.name}--> ${hop.node.className} …`,
        formatRetainerPath([path[end - 1]!]),
      );
    } else {
      parts.push(formatRetainerPath(path.slice(start, end)));
    }
    start = end;
  }
  return parts.join(' ');
}

function sameHop(a: PathHop, b: PathHop): boolean {
  return (
    a.edge !== null && b.edge !== null && a.edge.name === b.edge.name && a.node.className === b.node.className
  );
}

/**
 * Among the classes retained per call, the one a user recognises first: a constructor name
 * (`Timeout`, `Session`), then closures, then arrays and strings, then V8's own objects.
 */
function classPriority(className: string): number {
  if (className.startsWith('system /') || className === '(system)' || className === '(compiled code)')
    return 3;
  if (className === '(closure)') return 1;
  if (className.startsWith('(')) return 2;
  return 0;
}
