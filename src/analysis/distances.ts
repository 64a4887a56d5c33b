// Distance of every node from the root (breadth-first hop count) and the edge by which the
// search first reached it: the shortest retainer path. The rules are Chrome DevTools' so that
// distances and paths match what users see there (HeapSnapshot.ts `calculateDistances`).

import type { HeapGraph } from '../snapshot/graph.js';
import { ephemeronEdgeNames, StringIndexMatcher } from './edge-rules.js';

/** Distance of a node no path reaches. */
export const UNREACHABLE_DISTANCE = 0xffffffff;

/** DevTools adds this to the distance of nodes reached only through system roots (`baseSystemDistance`). */
export const SYSTEM_DISTANCE_BASE = 100_000_000;

/** DevTools' distance for nodes no path reaches. */
export const DEVTOOLS_NO_DISTANCE = -5;

export interface Distances {
  /** Hop count from the root along the path the search took; `UNREACHABLE_DISTANCE` when none. */
  distances: Uint32Array;
  /** Edge ordinal by which the search first reached each node; -1 for the root and unreachable nodes. */
  parentEdges: Int32Array;
  /**
   * 1 for nodes reached only through synthetic roots such as `(GC roots)`, not from a user
   * root (a non-synthetic child of the root, e.g. the global object). DevTools sorts these
   * after all user-reachable objects.
   */
  systemOnly: Uint8Array;
  /** Nodes some path reaches, the root included. */
  reachableCount: number;
  /** True when the root has user roots; then DevTools gives the root itself the system base. */
  hasUserRoots: boolean;
}

/**
 * Breadth-first search in two passes, like DevTools: first from the user roots (the root's
 * non-synthetic children, at distance 1), then from the root for everything not reached yet.
 * Skipped edges, as in DevTools:
 * - weak edges;
 * - `NativeContext --sloppy_function_map-->` (a map every context holds, not a real path);
 * - descriptor links (index ≥ 2 with index % 3 === 1) of `(map descriptors)` arrays, which
 *   maps share and so are not valid for every map (crbug.com/413608);
 * - the first-seen edge of each WeakMap key/table pair to a value, so the value's distance
 *   comes from the later of the two (crbug.com/1290800). Which edge is first depends on the
 *   search order, which is why the order here is exactly DevTools'.
 * Root-to-user-root edges are taken whatever their type, as DevTools does.
 */
export interface DistanceOptions {
  /**
   * Edges of the user roots (the global object) to follow only after everything else a user
   * root reaches: e.g. a profiling agent's own global, whose closures reach the module cache
   * and would otherwise be the shortest path to the program's modules.
   */
  deferEdge?: (edge: number) => boolean;
}

export function computeDistances(graph: HeapGraph, options: DistanceOptions = {}): Distances {
  const { nodeCount, firstEdgeIndexes, edges, nodes } = graph;
  const { nodeFieldCount, edgeFieldCount, edgeTypeOffset, edgeToNodeOffset, nodeTypeOffset } = graph.layout;
  const distances = new Uint32Array(nodeCount).fill(UNREACHABLE_DISTANCE);
  const parentEdges = new Int32Array(nodeCount).fill(-1);
  const systemOnly = new Uint8Array(nodeCount);
  const root = graph.rootOrdinal;
  const rootEdgeCount = graph.edgeEnd(root) - graph.firstEdge(root);
  // DevTools enqueues a user root once per root edge to it; duplicates only cost a no-op visit.
  const queue = new Uint32Array(nodeCount + rootEdgeCount);
  const skip = distanceEdgeFilter(graph);
  const syntheticType = graph.types.syntheticNode;

  let queueLength = 0;
  for (let edge = graph.firstEdge(root); edge < graph.edgeEnd(root); edge++) {
    const child = edges[edge * edgeFieldCount + edgeToNodeOffset]! / nodeFieldCount;
    if (nodes[child * nodeFieldCount + nodeTypeOffset] === syntheticType) continue;
    if (distances[child] === UNREACHABLE_DISTANCE) parentEdges[child] = edge;
    distances[child] = 1;
    queue[queueLength++] = child;
  }
  const hasUserRoots = queueLength > 0;

  const { weakEdge: weakType, internalEdge: internalType, hiddenNode, arrayNode } = graph.types;
  const { deferEdge } = options;
  const deferred: number[] = [];
  // A deferred edge's target is reached last by every path, not only by that edge: a global
  // in dictionary mode is also the `value` of a property cell under the global's `properties`.
  const deferredTargets = deferEdge ? new Uint8Array(nodeCount) : undefined;
  const search = (start: number, end: number, isSystemPass: boolean): number => {
    let head = start;
    let tail = end;
    while (head < tail) {
      const node = queue[head++]!;
      const distance = distances[node]! + 1;
      const edgeEnd = firstEdgeIndexes[node + 1]!;
      // Only hidden and array nodes, and internal edges, can be filtered: test the rest cheaply.
      const nodeType = nodes[node * nodeFieldCount + nodeTypeOffset];
      const nodeMayBeFiltered = nodeType === hiddenNode || nodeType === arrayNode;
      for (let edge = firstEdgeIndexes[node]!; edge < edgeEnd; edge++) {
        const edgeIndex = edge * edgeFieldCount;
        const type = edges[edgeIndex + edgeTypeOffset];
        if (type === weakType) continue;
        const child = edges[edgeIndex + edgeToNodeOffset]! / nodeFieldCount;
        if (distances[child] !== UNREACHABLE_DISTANCE) continue;
        if ((nodeMayBeFiltered || type === internalType) && skip(node, edge)) continue;
        if (deferEdge && !isSystemPass) {
          if (distance === 2 && deferEdge(edge)) {
            deferred.push(edge);
            deferredTargets![child] = 1;
            continue;
          }
          if (deferredTargets![child] === 1) continue;
        }
        distances[child] = distance;
        parentEdges[child] = edge;
        if (isSystemPass) systemOnly[child] = 1;
        queue[tail++] = child;
      }
    }
    return tail;
  };

  let userReached = search(0, queueLength, false);
  let deferredStart = userReached;
  for (const edge of deferred) {
    const child = edges[edge * edgeFieldCount + edgeToNodeOffset]! / nodeFieldCount;
    if (distances[child] !== UNREACHABLE_DISTANCE) continue;
    distances[child] = 2;
    parentEdges[child] = edge;
    queue[deferredStart++] = child;
  }
  if (deferredStart > userReached) userReached = search(userReached, deferredStart, false);
  distances[root] = 0;
  parentEdges[root] = -1;
  systemOnly[root] = 0;
  queue[userReached] = root;
  search(userReached, userReached + 1, true);
  return { distances, parentEdges, systemOnly, reachableCount: countReached(distances), hasUserRoots };
}

/** The distance DevTools shows for a node (its `nodeDistances` value), for cross-checks and display. */
export function devToolsDistance(result: Distances, ordinal: number): number {
  const distance = result.distances[ordinal]!;
  if (distance === UNREACHABLE_DISTANCE) return DEVTOOLS_NO_DISTANCE;
  if (distance === 0) return result.hasUserRoots ? SYSTEM_DISTANCE_BASE : 0;
  return result.systemOnly[ordinal] ? SYSTEM_DISTANCE_BASE + distance : distance;
}

function countReached(distances: Uint32Array): number {
  let count = 0;
  for (let ordinal = 0; ordinal < distances.length; ordinal++) {
    if (distances[ordinal] !== UNREACHABLE_DISTANCE) count++;
  }
  return count;
}

/** The DevTools filter for distance edges: true when `edge` of `node` must not be followed. */
function distanceEdgeFilter(graph: HeapGraph): (node: number, edge: number) => boolean {
  const { hiddenNode, arrayNode, internalEdge } = graph.types;
  const nativeContextName = new StringIndexMatcher(graph, 'system / NativeContext');
  const mapDescriptorsName = new StringIndexMatcher(graph, '(map descriptors)');
  const ephemeronNames = ephemeronEdgeNames(graph);
  const pendingEphemeronPairs = new Set<string>();
  return (node, edge) => {
    const nodeType = graph.nodeType(node);
    if (
      nodeType === hiddenNode &&
      nativeContextName.matches(graph.nodeNameIndex(node)) &&
      graph.edgeName(edge) === 'sloppy_function_map'
    ) {
      return true;
    }
    if (nodeType === arrayNode && mapDescriptorsName.matches(graph.nodeNameIndex(node))) {
      const index = Number.parseInt(graph.edgeName(edge), 10);
      return !(index < 2 || index % 3 !== 1);
    }
    if (graph.edgeType(edge) === internalEdge) {
      const ephemeron = ephemeronNames.parse(edge);
      if (ephemeron && !pendingEphemeronPairs.delete(ephemeron.pair)) {
        pendingEphemeronPairs.add(ephemeron.pair);
        return true;
      }
    }
    return false;
  };
}
