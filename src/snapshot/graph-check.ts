// The graph's consistency checks: array lengths, edge counts, edge targets, type and string
// indexes. The nodes' half can run before the edges are there (the reader runs it while a
// worker still parses them); the edges' half also turns `to_node` into stored-node indexes.

import { SnapshotFormatError } from './errors.js';
import type { HeapGraph, NumberArray } from './graph.js';
import type { SnapshotLayout } from './meta.js';

/** Checks the nodes and returns the first-edge index; its last entry is the sum of the edge counts. */
export function checkNodes(layout: SnapshotLayout, nodes: NumberArray, stringCount: number): Uint32Array {
  const { nodeFieldCount, nodeEdgeCountOffset, nodeTypeOffset, nodeNameOffset } = layout;
  const nodeCount = nodes.length / nodeFieldCount;
  if (!Number.isInteger(nodeCount)) {
    throw new SnapshotFormatError(
      `nodes array length ${nodes.length} is not a multiple of the ${nodeFieldCount} node fields`,
    );
  }
  if (nodeCount === 0) throw new SnapshotFormatError('the snapshot has no nodes');
  const firstEdgeIndexes = new Uint32Array(nodeCount + 1);
  const nodeTypeCount = layout.nodeTypes.length;
  let edgeOrdinal = 0;
  for (let ordinal = 0, nodeIndex = 0; ordinal < nodeCount; ordinal++, nodeIndex += nodeFieldCount) {
    firstEdgeIndexes[ordinal] = edgeOrdinal;
    edgeOrdinal += nodes[nodeIndex + nodeEdgeCountOffset]!;
    const type = nodes[nodeIndex + nodeTypeOffset]!;
    if (type >= nodeTypeCount) throw new SnapshotFormatError(`node ${ordinal} has unknown type ${type}`);
    const name = nodes[nodeIndex + nodeNameOffset]!;
    if (name >= stringCount) {
      throw new SnapshotFormatError(`node ${ordinal} names string ${name}, past the ${stringCount} strings`);
    }
  }
  firstEdgeIndexes[nodeCount] = edgeOrdinal;
  return firstEdgeIndexes;
}

/**
 * What the edge checks compare each edge with. The reader's second thread checks the edges
 * while it parses them, before the strings are read: its `stringCount` is Infinity, and the
 * largest string index the edges name is compared with the strings afterwards.
 */
export interface EdgeLimits {
  edgeFieldCount: number;
  edgeToNodeOffset: number;
  edgeTypeOffset: number;
  edgeNameOffset: number;
  /** `to_node` counts the file's node fields... */
  fileNodeFieldCount: number;
  /** ...and becomes an index of the stored nodes, which may have fewer (node-rows.ts). */
  nodeFieldCount: number;
  nodeCount: number;
  edgeTypeCount: number;
  elementEdge: number;
  hiddenEdge: number;
  stringCount: number;
}

/** How far `checkEdgeRange` got: the edges before `checkedLength` (a value index) are checked and their targets turned. */
export interface EdgeCheckProgress {
  checkedLength: number;
  /** The largest string index a checked edge names (-1 if none does). */
  maxNameIndex: number;
}

/** The checks of edges another thread already did (against the header's node count), for `checkEdges`. */
export interface EdgePrecheck extends EdgeCheckProgress {
  nodeCount: number;
  nodeFieldCount: number;
}

export function edgeLimits(layout: SnapshotLayout, nodeCount: number, stringCount: number): EdgeLimits {
  return {
    edgeFieldCount: layout.edgeFieldCount,
    edgeToNodeOffset: layout.edgeToNodeOffset,
    edgeTypeOffset: layout.edgeTypeOffset,
    edgeNameOffset: layout.edgeNameOffset,
    fileNodeFieldCount: layout.fileNodeFieldCount,
    nodeFieldCount: layout.nodeFieldCount,
    nodeCount,
    edgeTypeCount: layout.edgeTypes.length,
    elementEdge: layout.edgeTypes.indexOf('element'),
    hiddenEdge: layout.edgeTypes.indexOf('hidden'),
    stringCount,
  };
}

/**
 * Checks the edges from `progress.checkedLength` up to the value index `end` (whole edges),
 * turning each `to_node` into a stored-node index, and moves `progress` on. Stops at the first
 * bad edge, where `progress.checkedLength` is left; returns whether every edge passed.
 */
export function checkEdgeRange(
  edges: NumberArray,
  end: number,
  limits: EdgeLimits,
  progress: EdgeCheckProgress,
): boolean {
  const { edgeFieldCount, edgeToNodeOffset, edgeTypeOffset, edgeNameOffset } = limits;
  const { fileNodeFieldCount, nodeFieldCount, nodeCount, edgeTypeCount, stringCount } = limits;
  const { elementEdge, hiddenEdge } = limits;
  let maxNameIndex = progress.maxNameIndex;
  let edgeIndex = progress.checkedLength;
  let passed = true;
  for (; edgeIndex < end; edgeIndex += edgeFieldCount) {
    const target = edges[edgeIndex + edgeToNodeOffset]! / fileNodeFieldCount;
    const type = edges[edgeIndex + edgeTypeOffset]!;
    const named = type !== elementEdge && type !== hiddenEdge;
    const name = named ? edges[edgeIndex + edgeNameOffset]! : -1;
    if (!(target >= 0 && target < nodeCount) || target !== Math.floor(target) || type >= edgeTypeCount) {
      passed = false;
      break;
    }
    if (name >= stringCount) {
      passed = false;
      break;
    }
    if (name > maxNameIndex) maxNameIndex = name;
    edges[edgeIndex + edgeToNodeOffset] = target * nodeFieldCount;
  }
  progress.checkedLength = edgeIndex;
  progress.maxNameIndex = maxNameIndex;
  return passed;
}

/** The error for an edge `checkEdgeRange` stopped at (its `to_node` not yet turned). */
function badEdge(edges: NumberArray, edgeIndex: number, limits: EdgeLimits): SnapshotFormatError {
  const ordinal = edgeIndex / limits.edgeFieldCount;
  const toNode = edges[edgeIndex + limits.edgeToNodeOffset]!;
  const target = toNode / limits.fileNodeFieldCount;
  if (!(target >= 0 && target < limits.nodeCount) || target !== Math.floor(target)) {
    return new SnapshotFormatError(
      `edge ${ordinal} points to nodes[${toNode}], which is not a node (nodes array length ${limits.nodeCount * limits.fileNodeFieldCount})`,
    );
  }
  const type = edges[edgeIndex + limits.edgeTypeOffset]!;
  if (type >= limits.edgeTypeCount)
    return new SnapshotFormatError(`edge ${ordinal} has unknown type ${type}`);
  return new SnapshotFormatError(
    `edge ${ordinal} names string ${edges[edgeIndex + limits.edgeNameOffset]}, past the ${limits.stringCount} strings`,
  );
}

/**
 * Checks the edges against the nodes (checked first) and the strings. With a `precheck` from
 * the reader's second thread, only what it could not know is checked: the node count it used
 * (the header's) and the largest string index. If anything differs, its edges are turned back
 * and checked here, so an error is the one a one-thread read gives.
 */
export function checkEdges(graph: HeapGraph, precheck?: EdgePrecheck): void {
  const { layout, edges } = graph;
  const { edgeFieldCount } = layout;
  if (!Number.isInteger(graph.edgeCount)) {
    throw new SnapshotFormatError(
      `edges array length ${edges.length} is not a multiple of the ${edgeFieldCount} edge fields`,
    );
  }
  const edgeSum = graph.firstEdgeIndexes[graph.nodeCount]!;
  if (edgeSum !== graph.edgeCount) {
    throw new SnapshotFormatError(
      `the nodes' edge counts add up to ${edgeSum} but the edges array holds ${graph.edgeCount} edges`,
    );
  }
  if (precheck && precheckHolds(graph, precheck)) {
    scaleTargets(edges, layout, precheck.nodeFieldCount, layout.nodeFieldCount, edges.length);
  } else {
    if (precheck) {
      scaleTargets(edges, layout, precheck.nodeFieldCount, layout.fileNodeFieldCount, precheck.checkedLength);
    }
    const limits = edgeLimits(layout, graph.nodeCount, graph.strings.count);
    const progress = { checkedLength: 0, maxNameIndex: -1 };
    if (!checkEdgeRange(edges, edges.length, limits, progress)) {
      throw badEdge(edges, progress.checkedLength, limits);
    }
  }
  if (layout.fileNodeFieldCount !== layout.nodeFieldCount) narrowLocations(graph);
}

function precheckHolds(graph: HeapGraph, precheck: EdgePrecheck): boolean {
  return (
    precheck.checkedLength === graph.edges.length &&
    precheck.nodeCount === graph.nodeCount &&
    precheck.maxNameIndex < graph.strings.count
  );
}

/** `to_node` of the first `length` values counted in nodes of `from` fields, as nodes of `to` fields. */
function scaleTargets(
  edges: NumberArray,
  layout: SnapshotLayout,
  from: number,
  to: number,
  length: number,
): void {
  if (from === to) return;
  const { edgeFieldCount, edgeToNodeOffset } = layout;
  for (let index = edgeToNodeOffset; index < length; index += edgeFieldCount) {
    edges[index] = (edges[index]! / from) * to;
  }
}

/** Locations' `object_index` as an index into the stored nodes, like `to_node`. */
function narrowLocations(graph: HeapGraph): void {
  const { locations, layout } = graph;
  const { locationFieldCount, locationObjectIndexOffset, nodeFieldCount, fileNodeFieldCount } = layout;
  if (!locations || locationFieldCount === 0 || locationObjectIndexOffset < 0) return;
  for (let index = locationObjectIndexOffset; index < locations.length; index += locationFieldCount) {
    locations[index] = (locations[index]! / fileNodeFieldCount) * nodeFieldCount;
  }
}
