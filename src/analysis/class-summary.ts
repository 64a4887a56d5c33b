// Per-class aggregates of one heap (DevTools' "Summary" view): instance count, self size,
// retained size, and the largest instances. A class is `graph.className`: `(system)`,
// `(array)`, `(string)`, `(closure)`, `(compiled code)`, or a constructor name.
//
// Where the default differs from Chrome DevTools, on purpose (test/analysis-devtools.test.ts
// shows that with DevTools' choices passed as options the numbers are equal):
// - self sizes are V8's; DevTools moves internal arrays' sizes into their owner
//   (`devToolsShallowSizes`), which would hide the growth of a `(system)` structure;
// - classes are names only; DevTools splits a constructor name by allocation site and plain
//   objects by property "interface" (`{a, b}`), whose thresholds depend on the whole heap,
//   so the same object could change class between two snapshots of one series;
// - closures are `(closure)` (DevTools: `Function`), regexps `(regexp)` (`RegExp`), and
//   native nodes are not renamed `Detached …`;
// - objects with self size 0 are instances too (DevTools leaves them out).

import type { HeapGraph } from '../snapshot/graph.js';
import { bucketByClass } from './class-buckets.js';
import { buildDominatedNodes, type DominatorTree } from './dominators.js';

export interface ClassSummaryOptions {
  /** How many of each class's largest instances (by retained size) to keep; default 5. */
  topInstanceCount?: number;
  /** The class of a node; `graph.className` by default. Any function of the node works. */
  classNameOf?: (ordinal: number) => string;
  /** Self size per node ordinal; the graph's V8 self sizes by default (must match the tree's). */
  selfSizes?: ArrayLike<number>;
  /**
   * Leave out nodes whose self size is 0, as DevTools does (default false: V8 writes real
   * objects with size 0, e.g. an empty WeakArrayList on Node 24, and they are instances too).
   */
  skipEmptyNodes?: boolean;
}

export interface ClassInstance {
  ordinal: number;
  /** Snapshot object id (stable while the object lives). */
  id: number;
  selfSize: number;
  retainedSize: number;
}

export interface ClassSummaryEntry {
  className: string;
  count: number;
  selfSize: number;
  /**
   * Memory freed if every instance went away: the sum of retained sizes of instances that no
   * other instance of the class dominates (so nested instances are not counted twice).
   */
  retainedSize: number;
  /** Largest instances by retained size, largest first. */
  topInstances: ClassInstance[];
}

export interface ClassSummary {
  /** Classes sorted by retained size, then self size, then name. */
  classes: ClassSummaryEntry[];
  nodeCount: number;
  totalSelfSize: number;
}

/** Aggregates every node by class, using a dominator tree for retained sizes. */
export function summarizeClasses(
  graph: HeapGraph,
  tree: DominatorTree,
  options: ClassSummaryOptions = {},
): ClassSummary {
  const topInstanceCount = options.topInstanceCount ?? 5;
  const selfSizes = options.selfSizes ?? graphSelfSizes(graph);
  const { classIds, classNames } = bucketByClass(graph, { classNameOf: options.classNameOf });
  const classCount = classNames.length;
  const counts = new Float64Array(classCount);
  const selfTotals = new Float64Array(classCount);
  const included = new Uint8Array(graph.nodeCount);
  let totalSelfSize = 0;
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    const selfSize = selfSizes[ordinal]!;
    totalSelfSize += selfSize;
    // The root is the snapshot's frame, not an object: its "class" would retain everything.
    if (ordinal === graph.rootOrdinal) continue;
    if (options.skipEmptyNodes && selfSize === 0) continue;
    included[ordinal] = 1;
    const classId = classIds[ordinal]!;
    counts[classId]!++;
    selfTotals[classId]! += selfSize;
  }
  const retainedTotals = classRetainedSizes(graph, tree, classIds, classCount, included);
  const top = largestInstances(tree.retainedSizes, classIds, classCount, included, topInstanceCount);

  const classes: ClassSummaryEntry[] = [];
  for (let classId = 0; classId < classCount; classId++) {
    if (counts[classId] === 0) continue;
    classes.push({
      className: classNames[classId]!,
      count: counts[classId]!,
      selfSize: selfTotals[classId]!,
      retainedSize: retainedTotals[classId]!,
      topInstances: top[classId]!.map((ordinal) => ({
        ordinal,
        id: graph.nodeId(ordinal),
        selfSize: selfSizes[ordinal]!,
        retainedSize: tree.retainedSizes[ordinal]!,
      })),
    });
  }
  classes.sort(
    (a, b) =>
      b.retainedSize - a.retainedSize ||
      b.selfSize - a.selfSize ||
      (a.className < b.className ? -1 : a.className > b.className ? 1 : 0),
  );
  return { classes, nodeCount: graph.nodeCount, totalSelfSize };
}

function graphSelfSizes(graph: HeapGraph): Float64Array {
  const sizes = new Float64Array(graph.nodeCount);
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) sizes[ordinal] = graph.nodeSelfSize(ordinal);
  return sizes;
}

/**
 * DevTools' class retained size (`calculateClassesRetainedSize`): walk the dominator tree
 * from the root and add an instance's retained size only when no instance of the same class
 * dominates it; the inner one is already inside the outer one's retained size.
 */
function classRetainedSizes(
  graph: HeapGraph,
  tree: DominatorTree,
  classIds: Uint32Array,
  classCount: number,
  included: Uint8Array,
): Float64Array {
  const totals = new Float64Array(classCount);
  const openInstances = new Uint32Array(classCount);
  const { firstChildIndexes, children } = buildDominatedNodes(tree.dominators, graph.rootOrdinal);
  const stack = new Uint32Array(graph.nodeCount);
  const nextChild = new Uint32Array(graph.nodeCount);
  const retainedSizes = tree.retainedSizes;

  const enter = (ordinal: number): void => {
    nextChild[ordinal] = firstChildIndexes[ordinal]!;
    if (!included[ordinal]) return;
    const classId = classIds[ordinal]!;
    if (openInstances[classId] === 0) totals[classId]! += retainedSizes[ordinal]!;
    openInstances[classId]!++;
  };
  let stackLength = 0;
  stack[stackLength++] = graph.rootOrdinal;
  enter(graph.rootOrdinal);
  while (stackLength > 0) {
    const ordinal = stack[stackLength - 1]!;
    const childIndex = nextChild[ordinal]!;
    if (childIndex < firstChildIndexes[ordinal + 1]!) {
      nextChild[ordinal] = childIndex + 1;
      const child = children[childIndex]!;
      enter(child);
      stack[stackLength++] = child;
      continue;
    }
    stackLength--;
    if (included[ordinal]) openInstances[classIds[ordinal]!]!--;
  }
  return totals;
}

/** The `count` largest instances of each class by retained size (ties: lower ordinal first). */
function largestInstances(
  retainedSizes: Float64Array,
  classIds: Uint32Array,
  classCount: number,
  included: Uint8Array,
  count: number,
): number[][] {
  const top: number[][] = Array.from({ length: classCount }, () => []);
  if (count <= 0) return top;
  for (let ordinal = 0; ordinal < classIds.length; ordinal++) {
    if (!included[ordinal]) continue;
    const list = top[classIds[ordinal]!]!;
    const size = retainedSizes[ordinal]!;
    if (list.length === count && retainedSizes[list[count - 1]!]! >= size) continue;
    let position = list.length === count ? count - 1 : list.length;
    while (position > 0 && retainedSizes[list[position - 1]!]! < size) {
      list[position] = list[position - 1]!;
      position--;
    }
    list[position] = ordinal;
  }
  return top;
}
