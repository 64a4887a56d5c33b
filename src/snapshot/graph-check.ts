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

/** Checks the edges against the nodes (checked first) and the strings. */
export function checkEdges(graph: HeapGraph): void {
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
  checkEdgeValues(graph);
  if (layout.fileNodeFieldCount !== layout.nodeFieldCount) narrowLocations(graph);
}

function checkEdgeValues(graph: HeapGraph): void {
  const { layout, edges } = graph;
  const {
    edgeFieldCount,
    nodeFieldCount,
    fileNodeFieldCount,
    edgeToNodeOffset,
    edgeTypeOffset,
    edgeNameOffset,
  } = layout;
  // `to_node` counts the file's node fields; stored nodes may have fewer (node-rows.ts).
  const nodeCount = graph.nodeCount;
  const edgeTypeCount = layout.edgeTypes.length;
  const stringCount = graph.strings.count;
  const { elementEdge, hiddenEdge } = graph.types;
  const length = edges.length;
  for (let edgeIndex = 0; edgeIndex < length; edgeIndex += edgeFieldCount) {
    const toNode = edges[edgeIndex + edgeToNodeOffset]!;
    const target = toNode / fileNodeFieldCount;
    if (!(target >= 0 && target < nodeCount) || target !== Math.floor(target)) {
      throw new SnapshotFormatError(
        `edge ${edgeIndex / edgeFieldCount} points to nodes[${toNode}], which is not a node (nodes array length ${nodeCount * fileNodeFieldCount})`,
      );
    }
    edges[edgeIndex + edgeToNodeOffset] = target * nodeFieldCount;
    const type = edges[edgeIndex + edgeTypeOffset]!;
    if (type >= edgeTypeCount) {
      throw new SnapshotFormatError(`edge ${edgeIndex / edgeFieldCount} has unknown type ${type}`);
    }
    if (type !== elementEdge && type !== hiddenEdge && edges[edgeIndex + edgeNameOffset]! >= stringCount) {
      throw new SnapshotFormatError(
        `edge ${edgeIndex / edgeFieldCount} names string ${edges[edgeIndex + edgeNameOffset]}, past the ${stringCount} strings`,
      );
    }
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
