// Which edges retain their target, for the dominator tree. V8 writes edges that keep nothing
// alive (weak refs, shortcuts, one of the two edges of a WeakMap entry); the rules here are
// Chrome DevTools' `computeIsEssentialEdge` (HeapSnapshot.ts), so retained sizes match it.

import type { HeapGraph } from '../snapshot/graph.js';
import { ephemeronEdgeNames } from './edge-rules.js';

export interface EssentialEdgeOptions {
  /**
   * DevTools' "page-owned" rule (default true): objects reachable from a user root (the
   * root's shortcut edges, e.g. Node's `global`) can only be retained by other such objects
   * or by the root, so internal references from outside the user's world (handles, caches,
   * the debugger) do not change who dominates them. False gives plain V8 reachability.
   */
  userObjectsRetainedByUserObjects?: boolean;
}

/**
 * One byte per edge ordinal: 1 when the edge retains its target. An edge does not retain when
 * - it is weak;
 * - it points to its own source;
 * - it is a shortcut from any node but the root (shortcuts from the root mark user roots);
 * - it is the table's edge to a WeakMap value: the value is held by key and table together,
 *   and DevTools keeps the key's edge, which says more about why the value lives;
 * - (page-owned rule) it goes from a non-user object to a user object.
 */
export function computeEssentialEdges(graph: HeapGraph, options: EssentialEdgeOptions = {}): Uint8Array {
  const { nodeCount, edges, firstEdgeIndexes } = graph;
  const { nodeFieldCount, edgeFieldCount, edgeTypeOffset, edgeToNodeOffset, edgeNameOffset } = graph.layout;
  const { weakEdge, shortcutEdge, internalEdge } = graph.types;
  const root = graph.rootOrdinal;
  const userObjects = options.userObjectsRetainedByUserObjects === false ? undefined : markUserObjects(graph);
  const ephemeronNames = ephemeronEdgeNames(graph);
  const notEphemeron = ephemeronNames.state;
  const essential = new Uint8Array(graph.edgeCount);
  for (let node = 0; node < nodeCount; node++) {
    const edgeEnd = firstEdgeIndexes[node + 1]!;
    const isRoot = node === root;
    const nodeIsUserObject = userObjects ? userObjects[node] === 1 : true;
    for (let edge = firstEdgeIndexes[node]!; edge < edgeEnd; edge++) {
      const edgeIndex = edge * edgeFieldCount;
      const type = edges[edgeIndex + edgeTypeOffset]!;
      if (type === weakEdge) continue;
      const target = edges[edgeIndex + edgeToNodeOffset]! / nodeFieldCount;
      if (target === node) continue;
      if (type === internalEdge) {
        const nameIndex = edges[edgeIndex + edgeNameOffset]!;
        if (notEphemeron[nameIndex] !== 2) {
          const ephemeron = ephemeronNames.parseName(nameIndex);
          if (ephemeron && ephemeron.tableId === graph.nodeId(node)) continue;
        }
      }
      if (!isRoot) {
        if (type === shortcutEdge) continue;
        if (!nodeIsUserObject && userObjects![target] === 1) continue;
      }
      essential[edge] = 1;
    }
  }
  return essential;
}

/**
 * Marks (1) every node reachable over non-weak edges from the user roots: the targets of the
 * root's shortcut edges, and `(Document DOM trees)` in browser snapshots (DevTools'
 * `markPageOwnedNodes`). Node.js snapshots have one shortcut, to `global`.
 */
export function markUserObjects(graph: HeapGraph): Uint8Array {
  const { nodeCount, edges, firstEdgeIndexes } = graph;
  const { nodeFieldCount, edgeFieldCount, edgeTypeOffset, edgeToNodeOffset } = graph.layout;
  const { weakEdge, shortcutEdge, elementEdge, syntheticNode } = graph.types;
  const marks = new Uint8Array(nodeCount);
  const stack = new Uint32Array(nodeCount);
  let stackLength = 0;
  const root = graph.rootOrdinal;
  for (let edge = graph.firstEdge(root); edge < graph.edgeEnd(root); edge++) {
    const type = graph.edgeType(edge);
    const target = graph.edgeTarget(edge);
    const isDomTreesRoot =
      type === elementEdge &&
      graph.nodeType(target) === syntheticNode &&
      graph.nodeName(target) === '(Document DOM trees)';
    if (type !== shortcutEdge && !isDomTreesRoot) continue;
    // DevTools pushes a root twice when two root edges reach it; marking is the same.
    if (marks[target] === 1) continue;
    marks[target] = 1;
    stack[stackLength++] = target;
  }
  while (stackLength > 0) {
    const node = stack[--stackLength]!;
    const edgeEnd = firstEdgeIndexes[node + 1]!;
    for (let edge = firstEdgeIndexes[node]!; edge < edgeEnd; edge++) {
      const edgeIndex = edge * edgeFieldCount;
      const target = edges[edgeIndex + edgeToNodeOffset]! / nodeFieldCount;
      if (marks[target] === 1 || edges[edgeIndex + edgeTypeOffset] === weakEdge) continue;
      marks[target] = 1;
      stack[stackLength++] = target;
    }
  }
  return marks;
}
