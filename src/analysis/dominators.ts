// The dominator tree of the whole heap and every node's retained size: the memory that would
// be freed if the node went away. Semi-NCA (Georgiadis et al.) over typed arrays, iterative
// throughout, so it handles multi-million-node heaps without recursion or per-node objects.

import type { HeapGraph } from '../snapshot/graph.js';
import { computeEssentialEdges, type EssentialEdgeOptions } from './essential-edges.js';

/** How a node is attached to the dominator tree. */
export const Reachability = {
  /** Reached from the root through retaining edges. */
  fromRoot: 0,
  /** Reached only from a node that has no retaining edge at all (e.g. only weak retainers). */
  fromOrphan: 1,
  /** Reached by neither: e.g. a cycle of garbage kept only by itself. Hangs from the root. */
  unreachable: 2,
} as const;

export interface DominatorOptions extends EssentialEdgeOptions {
  /** Self size per node ordinal to sum into retained sizes; the graph's V8 self sizes by default. */
  selfSizes?: ArrayLike<number>;
  /** Retaining edges as computed by `computeEssentialEdges`, when the caller already has them. */
  essentialEdges?: Uint8Array;
}

export interface DominatorTree {
  /** Immediate dominator ordinal of each node; the root's is the root. */
  dominators: Uint32Array;
  /** Self size of the node plus that of every node it dominates. The root's is the total. */
  retainedSizes: Float64Array;
  /** Node ordinals in an order where every node comes after its dominator (root first). */
  order: Uint32Array;
  /** `Reachability` of each node. */
  reachability: Uint8Array;
  /** Nodes no retaining path from the root reaches (DevTools' "unreachable from the root"). */
  unreachableCount: number;
  /** Of those, nodes with no retaining edge at all (only weak ones, or none): they hang from the root. */
  orphanCount: number;
  /** Of those, nodes not reachable from an orphan either (garbage cycles); they hang from the root. */
  unreachableCycleNodeCount: number;
}

/**
 * Computes the dominator tree the way Chrome DevTools defines it (HeapSnapshot.ts
 * `calculateDominatorsAndRetainedSizes`), so results agree with what users see there:
 * - only retaining ("essential") edges count, see `computeEssentialEdges`;
 * - a node with no retaining edge (only weak retainers) hangs from the root, and what it
 *   reaches is dominated within its subtree, as if the root held it;
 * - nodes reached by neither the root nor such orphans (cycles of garbage) hang from the
 *   root one by one, and their edges do not count for anyone else's dominator.
 */
export function computeDominators(graph: HeapGraph, options: DominatorOptions = {}): DominatorTree {
  const { nodeCount } = graph;
  const root = graph.rootOrdinal;
  const essential = options.essentialEdges ?? computeEssentialEdges(graph, options);
  const successors = retainingSuccessors(graph, essential);
  const search = depthFirstNumbering(graph, successors, hasRetainer(successors));
  const { numbers, vertices, parents, isOrphan, count } = search;

  const semi = semiDominators(parents, isOrphan, count, numberedRetainers(successors, numbers, count));
  const immediate = nearestCommonAncestors(parents, semi, count);

  const dominators = new Uint32Array(nodeCount).fill(root);
  for (let number = 2; number <= count; number++)
    dominators[vertices[number]!] = vertices[immediate[number]!]!;
  dominators[root] = root;

  const order = new Uint32Array(nodeCount);
  order.set(vertices.subarray(1, count + 1));
  const reachability = new Uint8Array(nodeCount);
  let orphanCount = 0;
  for (let number = search.fromRootCount + 1; number <= count; number++) {
    reachability[vertices[number]!] = Reachability.fromOrphan;
    if (isOrphan[number]) orphanCount++;
  }
  let position = count;
  for (let ordinal = 0; ordinal < nodeCount; ordinal++) {
    if (numbers[ordinal] !== 0) continue;
    reachability[ordinal] = Reachability.unreachable;
    order[position++] = ordinal;
  }

  const retainedSizes = accumulateRetainedSizes(graph, dominators, order, options.selfSizes);
  return {
    dominators,
    retainedSizes,
    order,
    reachability,
    unreachableCount: nodeCount - search.fromRootCount,
    orphanCount,
    unreachableCycleNodeCount: nodeCount - count,
  };
}

/** Sums self sizes up the dominator tree, visiting nodes after their dominated nodes. */
function accumulateRetainedSizes(
  graph: HeapGraph,
  dominators: Uint32Array,
  order: Uint32Array,
  selfSizes: ArrayLike<number> | undefined,
): Float64Array {
  const { nodeCount, nodes } = graph;
  const retainedSizes = new Float64Array(nodeCount);
  if (selfSizes) {
    for (let ordinal = 0; ordinal < nodeCount; ordinal++) retainedSizes[ordinal] = selfSizes[ordinal]!;
  } else {
    const { nodeFieldCount, nodeSelfSizeOffset } = graph.layout;
    for (let ordinal = 0; ordinal < nodeCount; ordinal++) {
      retainedSizes[ordinal] = nodes[ordinal * nodeFieldCount + nodeSelfSizeOffset]!;
    }
  }
  for (let position = nodeCount - 1; position > 0; position--) {
    const ordinal = order[position]!;
    retainedSizes[dominators[ordinal]!]! += retainedSizes[ordinal]!;
  }
  return retainedSizes;
}

/** Retaining edges in compressed rows: one slice of target (or source) ordinals per node. */
interface Adjacency {
  /** Index into `nodes` of each node's first entry; entry nodeCount is the end. */
  firstIndexes: Uint32Array;
  nodes: Uint32Array;
}

/**
 * The retaining edges alone, as ordinals: one sequential pass over the edge array, after
 * which the search and the reverse graph read 4 bytes per edge instead of a whole edge.
 */
function retainingSuccessors(graph: HeapGraph, essential: Uint8Array): Adjacency {
  const { nodeCount, edges, firstEdgeIndexes } = graph;
  const { nodeFieldCount, edgeFieldCount, edgeToNodeOffset } = graph.layout;
  let retainingEdgeCount = 0;
  for (let edge = 0; edge < essential.length; edge++) retainingEdgeCount += essential[edge]!;
  const firstIndexes = new Uint32Array(nodeCount + 1);
  const nodes = new Uint32Array(retainingEdgeCount);
  let index = 0;
  for (let node = 0; node < nodeCount; node++) {
    firstIndexes[node] = index;
    const edgeEnd = firstEdgeIndexes[node + 1]!;
    for (let edge = firstEdgeIndexes[node]!; edge < edgeEnd; edge++) {
      if (essential[edge] === 0) continue;
      nodes[index++] = edges[edge * edgeFieldCount + edgeToNodeOffset]! / nodeFieldCount;
    }
  }
  firstIndexes[nodeCount] = index;
  return { firstIndexes, nodes };
}

/** 1 for nodes some retaining edge points to. */
function hasRetainer(successors: Adjacency): Uint8Array {
  const marks = new Uint8Array(successors.firstIndexes.length - 1);
  const targets = successors.nodes;
  for (let index = 0; index < targets.length; index++) marks[targets[index]!] = 1;
  return marks;
}

/**
 * The reverse graph in search numbers: row `n` holds the numbers of the retainers of the
 * node numbered `n`, leaving out retainers the search did not number (garbage cycles). The
 * semi-dominator loop walks numbers downwards, so its rows are read in sequence.
 */
function numberedRetainers(successors: Adjacency, numbers: Uint32Array, count: number): Adjacency {
  const nodeCount = successors.firstIndexes.length - 1;
  const { firstIndexes: firstTargets, nodes: targets } = successors;
  const firstIndexes = new Uint32Array(count + 2);
  for (let node = 0; node < nodeCount; node++) {
    if (numbers[node] === 0) continue;
    const end = firstTargets[node + 1]!;
    for (let index = firstTargets[node]!; index < end; index++) firstIndexes[numbers[targets[index]!]!]!++;
  }
  // Counts into slice ends (row 0, the unnumbered, is dropped), then fill backwards.
  firstIndexes[0] = 0;
  let end = 0;
  for (let number = 1; number <= count; number++) {
    end += firstIndexes[number]!;
    firstIndexes[number] = end;
  }
  firstIndexes[count + 1] = end;
  const nodes = new Uint32Array(end);
  for (let node = nodeCount - 1; node >= 0; node--) {
    const number = numbers[node]!;
    if (number === 0) continue;
    const start = firstTargets[node]!;
    for (let index = firstTargets[node + 1]! - 1; index >= start; index--) {
      const target = numbers[targets[index]!]!;
      if (target !== 0) nodes[--firstIndexes[target]!] = number;
    }
  }
  return { firstIndexes, nodes };
}

interface Numbering {
  /** Depth-first preorder number of each node ordinal (1 = root); 0 when not reached. */
  numbers: Uint32Array;
  /** Node ordinal of each number. */
  vertices: Uint32Array;
  /** Number of each numbered node's parent in the search tree (the root's is 0). */
  parents: Uint32Array;
  /** 1 for numbers of orphans: nodes with no retaining edge, searched from as if the root held them. */
  isOrphan: Uint8Array;
  /** How many nodes got a number. */
  count: number;
  /** How many of them the search from the root reached. */
  fromRootCount: number;
}

/** Iterative depth-first search over retaining edges: from the root, then from each orphan. */
function depthFirstNumbering(graph: HeapGraph, successors: Adjacency, retained: Uint8Array): Numbering {
  const { nodeCount } = graph;
  const { firstIndexes, nodes: targets } = successors;
  const numbers = new Uint32Array(nodeCount);
  const vertices = new Uint32Array(nodeCount + 1);
  const parents = new Uint32Array(nodeCount + 1);
  const isOrphan = new Uint8Array(nodeCount + 1);
  const stack = new Uint32Array(nodeCount);
  const nextIndexes = new Uint32Array(nodeCount);
  let count = 0;

  const searchFrom = (start: number, parentNumber: number): void => {
    numbers[start] = ++count;
    vertices[count] = start;
    parents[count] = parentNumber;
    nextIndexes[start] = firstIndexes[start]!;
    let stackLength = 0;
    stack[stackLength++] = start;
    while (stackLength > 0) {
      const node = stack[stackLength - 1]!;
      const end = firstIndexes[node + 1]!;
      let index = nextIndexes[node]!;
      let child = -1;
      for (; index < end; index++) {
        const target = targets[index]!;
        if (numbers[target] === 0) {
          child = target;
          index++;
          break;
        }
      }
      nextIndexes[node] = index;
      if (child < 0) {
        stackLength--;
        continue;
      }
      numbers[child] = ++count;
      vertices[count] = child;
      parents[count] = numbers[node]!;
      nextIndexes[child] = firstIndexes[child]!;
      stack[stackLength++] = child;
    }
  };

  searchFrom(graph.rootOrdinal, 0);
  const fromRootCount = count;
  if (count < nodeCount) {
    for (let ordinal = 0; ordinal < nodeCount; ordinal++) {
      if (numbers[ordinal] !== 0 || retained[ordinal] === 1) continue;
      searchFrom(ordinal, 1);
      isOrphan[numbers[ordinal]!] = 1;
    }
  }
  return { numbers, vertices, parents, isOrphan, count, fromRootCount };
}

/**
 * Semi-dominator numbers (Lengauer–Tarjan's first phase) with path compression, iterative.
 * Retainers that got no number (garbage cycles) are ignored; orphans count the root as
 * their only retainer. Semi-NCA needs only semi values, so the path labels hold semi values
 * rather than vertices (one memory indirection less per step, which is what costs on
 * multi-million-node heaps). `retainers` is in search numbers (see `numberedRetainers`).
 */
function semiDominators(
  parents: Uint32Array,
  isOrphan: Uint8Array,
  count: number,
  retainers: Adjacency,
): Uint32Array {
  const { firstIndexes: firstRetainerIndexes, nodes: retainerNodes } = retainers;
  const semi = new Uint32Array(count + 1);
  /** Smallest semi on the compressed forest path above each processed vertex. */
  const label = new Uint32Array(count + 1);
  const ancestor = new Uint32Array(count + 1);
  const path = new Uint32Array(count + 1);

  // The smallest semi on the forest path above `number`, compressing the path.
  const evaluate = (number: number): number => {
    let pathLength = 0;
    let current = number;
    while (ancestor[ancestor[current]!] !== 0) {
      path[pathLength++] = current;
      current = ancestor[current]!;
    }
    while (pathLength > 0) {
      const node = path[--pathLength]!;
      const above = ancestor[node]!;
      if (label[above]! < label[node]!) label[node] = label[above]!;
      ancestor[node] = ancestor[above]!;
    }
    return label[number]!;
  };

  for (let number = count; number >= 2; number--) {
    let best = number;
    if (isOrphan[number]) {
      best = 1;
    } else {
      const retainerEnd = firstRetainerIndexes[number + 1]!;
      for (let index = firstRetainerIndexes[number]!; index < retainerEnd; index++) {
        const retainer = retainerNodes[index]!;
        // A retainer numbered below this vertex is not processed yet: its semi is itself.
        const candidate = retainer < number ? retainer : evaluate(retainer);
        if (candidate < best) best = candidate;
      }
    }
    semi[number] = best;
    label[number] = best;
    ancestor[number] = parents[number]!;
  }
  return semi;
}

/** Immediate dominators from semi-dominators: the nearest search-tree ancestor at or above semi. */
function nearestCommonAncestors(parents: Uint32Array, semi: Uint32Array, count: number): Uint32Array {
  const immediate = new Uint32Array(count + 1);
  immediate[1] = 1;
  for (let number = 2; number <= count; number++) {
    let candidate = parents[number]!;
    const semiNumber = semi[number]!;
    while (candidate > semiNumber) candidate = immediate[candidate]!;
    immediate[number] = candidate;
  }
  return immediate;
}

/** The dominator tree's children: one slice of `children` per node, in ordinal order. */
export interface DominatedNodes {
  /** Index into `children` of each node's first dominated node; entry nodeCount is the end. */
  firstChildIndexes: Uint32Array;
  /** Ordinals of dominated nodes, grouped by their immediate dominator. */
  children: Uint32Array;
}

/** Groups nodes under their immediate dominators (the root does not dominate itself here). */
export function buildDominatedNodes(dominators: Uint32Array, rootOrdinal: number): DominatedNodes {
  const nodeCount = dominators.length;
  const firstChildIndexes = new Uint32Array(nodeCount + 1);
  for (let ordinal = 0; ordinal < nodeCount; ordinal++) {
    if (ordinal !== rootOrdinal) firstChildIndexes[dominators[ordinal]!]!++;
  }
  let end = 0;
  for (let ordinal = 0; ordinal < nodeCount; ordinal++) {
    end += firstChildIndexes[ordinal]!;
    firstChildIndexes[ordinal] = end;
  }
  firstChildIndexes[nodeCount] = end;
  const children = new Uint32Array(end);
  for (let ordinal = nodeCount - 1; ordinal >= 0; ordinal--) {
    if (ordinal !== rootOrdinal) children[--firstChildIndexes[dominators[ordinal]!]!] = ordinal;
  }
  return { firstChildIndexes, children };
}
