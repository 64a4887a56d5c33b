// Chrome DevTools' "shallow sizes": DevTools moves the self size of internal arrays and
// hidden objects into the one object that owns them (HeapSnapshot.ts `calculateShallowSizes`).
// heapdrift keeps V8's own self sizes; this exists to compare with DevTools exactly.

import type { HeapGraph } from '../snapshot/graph.js';

const unvisited = 0xffffffff;
const multipleOwners = 0xfffffffe;

/**
 * Self sizes as DevTools shows them. An `(array)`, `(system)` or `system / ExternalStringData`
 * node that only one ordinary object reaches (over non-weak edges, through other such nodes)
 * gives its size to that object. Skipped, as in DevTools, when the root has no user root
 * (snapshots that expose internals) and when the owner is synthetic.
 */
export function devToolsShallowSizes(graph: HeapGraph): Float64Array {
  const { nodeCount, edges, firstEdgeIndexes } = graph;
  const { nodeFieldCount, edgeFieldCount, edgeTypeOffset, edgeToNodeOffset } = graph.layout;
  const { hiddenNode, arrayNode, nativeNode, syntheticNode, weakEdge } = graph.types;
  const sizes = new Float64Array(nodeCount);
  for (let ordinal = 0; ordinal < nodeCount; ordinal++) sizes[ordinal] = graph.nodeSelfSize(ordinal);
  if (!hasUserRoots(graph)) return sizes;

  const owners = new Uint32Array(nodeCount);
  // Each node enters at most twice: when it gets an owner and when it gets a second one.
  const worklist = new Uint32Array(2 * nodeCount);
  let worklistLength = 0;
  for (let ordinal = 0; ordinal < nodeCount; ordinal++) {
    const type = graph.nodeType(ordinal);
    const ownable =
      type === hiddenNode ||
      type === arrayNode ||
      (type === nativeNode && graph.nodeName(ordinal) === 'system / ExternalStringData');
    if (ownable) {
      owners[ordinal] = unvisited;
    } else {
      owners[ordinal] = ordinal;
      worklist[worklistLength++] = ordinal;
    }
  }
  while (worklistLength > 0) {
    const node = worklist[--worklistLength]!;
    const owner = owners[node]!;
    const edgeEnd = firstEdgeIndexes[node + 1]!;
    for (let edge = firstEdgeIndexes[node]!; edge < edgeEnd; edge++) {
      const edgeIndex = edge * edgeFieldCount;
      if (edges[edgeIndex + edgeTypeOffset] === weakEdge) continue;
      const target = edges[edgeIndex + edgeToNodeOffset]! / nodeFieldCount;
      const targetOwner = owners[target]!;
      if (targetOwner === unvisited) {
        owners[target] = owner;
        worklist[worklistLength++] = target;
      } else if (targetOwner !== target && targetOwner !== owner && targetOwner !== multipleOwners) {
        owners[target] = multipleOwners;
        worklist[worklistLength++] = target;
      }
    }
  }
  for (let ordinal = 0; ordinal < nodeCount; ordinal++) {
    const owner = owners[ordinal]!;
    if (owner === unvisited || owner === multipleOwners || owner === ordinal) continue;
    if (owner === graph.rootOrdinal || graph.nodeType(owner) === syntheticNode) continue;
    sizes[owner]! += sizes[ordinal]!;
    sizes[ordinal] = 0;
  }
  return sizes;
}

function hasUserRoots(graph: HeapGraph): boolean {
  const root = graph.rootOrdinal;
  for (let edge = graph.firstEdge(root); edge < graph.edgeEnd(root); edge++) {
    if (graph.nodeType(graph.edgeTarget(edge)) !== graph.types.syntheticNode) return true;
  }
  return false;
}
