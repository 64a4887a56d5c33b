// Retainer paths: how a node is held from the roots. The path DevTools shows (the distance
// search's parent edges) and, beyond it, the other shortest paths over strong edges, read
// root-first: `(GC roots) @3 --[12]--> … --table--> Map @4521`. No string contents are shown.

import type { HeapGraph } from '../snapshot/graph.js';
import { computeDistances, type Distances } from './distances.js';

/** A node as paths and query results show it: never the contents of a string. */
export interface NodeSummary {
  id: number;
  className: string;
  /** The node name when it says more than the class (`system / WeakArrayList`, a function's name); else null. */
  name: string | null;
}

export interface PathEdge {
  /** The edge name; an element or hidden edge's index as decimal text. */
  name: string;
  /** The snapshot's edge type: `property`, `element`, `internal`, `context`, `hidden`, `shortcut`. */
  type: string;
}

/** One hop of a path: the edge that leads to the node (null on the first hop) and the node. */
export interface PathHop {
  edge: PathEdge | null;
  node: NodeSummary;
}

/**
 * A path from a root to a node, root-first. It starts at a child of the synthetic root
 * (`(GC roots)` or a user root such as the global object), since the edge from the synthetic
 * root says nothing; a path to the synthetic root itself is that one node.
 */
export type RetainerPath = PathHop[];

/** Node types whose names are their contents (strings, regexp sources, symbols) or noise. */
const namelessTypes = new Set([
  'string',
  'concatenated string',
  'sliced string',
  'regexp',
  'symbol',
  'bigint',
  'number',
]);

export function summarizeNode(graph: HeapGraph, ordinal: number): NodeSummary {
  const className = graph.className(ordinal);
  return { id: graph.nodeId(ordinal), className, name: displayedNodeName(graph, ordinal, className) };
}

function displayedNodeName(graph: HeapGraph, ordinal: number, className: string): string | null {
  if (namelessTypes.has(graph.nodeTypeName(ordinal))) return null;
  const name = graph.nodeName(ordinal);
  return name === '' || name === className ? null : name;
}

export function describeEdge(graph: HeapGraph, edge: number): PathEdge {
  return { name: graph.edgeName(edge), type: graph.edgeTypeName(edge) };
}

/** Builds a root-first path from a list of edge ordinals that lead, in order, from the root. */
function pathFromEdges(graph: HeapGraph, target: number, edgesFromRoot: readonly number[]): RetainerPath {
  if (edgesFromRoot.length === 0) return [{ edge: null, node: summarizeNode(graph, target) }];
  const path: RetainerPath = [];
  for (let i = 0; i < edgesFromRoot.length; i++) {
    const edge = edgesFromRoot[i]!;
    const node = graph.edgeTarget(edge);
    path.push({ edge: i === 0 ? null : describeEdge(graph, edge), node: summarizeNode(graph, node) });
  }
  return path;
}

/** The path the distance search took to `ordinal` (what DevTools shows first), or null when unreachable. */
export function shortestPathFromDistances(
  graph: HeapGraph,
  distances: Distances,
  ordinal: number,
): RetainerPath | null {
  const edges = parentChain(graph, distances, ordinal);
  return edges === null ? null : pathFromEdges(graph, ordinal, edges);
}

/** Edges into each node over strong (non-weak) edges: the reverse of the graph, built once. */
export interface RetainerIndex {
  /** Position of each node's first retaining edge in `retainingEdges`; entry `nodeCount` is the total. */
  firstRetainer: Uint32Array;
  /** Edge ordinals grouped by target node. */
  retainingEdges: Uint32Array;
  /** The source node of each entry of `retainingEdges`. */
  retainingNodes: Uint32Array;
}

export function buildRetainerIndex(graph: HeapGraph): RetainerIndex {
  const { nodeCount, edges, firstEdgeIndexes } = graph;
  const { edgeFieldCount, edgeToNodeOffset, edgeTypeOffset, nodeFieldCount } = graph.layout;
  const weakType = graph.types.weakEdge;
  const firstRetainer = new Uint32Array(nodeCount + 1);
  for (let edge = 0; edge < graph.edgeCount; edge++) {
    const edgeIndex = edge * edgeFieldCount;
    if (edges[edgeIndex + edgeTypeOffset] === weakType) continue;
    firstRetainer[edges[edgeIndex + edgeToNodeOffset]! / nodeFieldCount + 1]!++;
  }
  for (let node = 0; node < nodeCount; node++) firstRetainer[node + 1]! += firstRetainer[node]!;
  const total = firstRetainer[nodeCount]!;
  const retainingEdges = new Uint32Array(total);
  const retainingNodes = new Uint32Array(total);
  const fill = firstRetainer.slice(0, nodeCount);
  for (let node = 0; node < nodeCount; node++) {
    const end = firstEdgeIndexes[node + 1]!;
    for (let edge = firstEdgeIndexes[node]!; edge < end; edge++) {
      const edgeIndex = edge * edgeFieldCount;
      if (edges[edgeIndex + edgeTypeOffset] === weakType) continue;
      const target = edges[edgeIndex + edgeToNodeOffset]! / nodeFieldCount;
      const slot = fill[target]!++;
      retainingEdges[slot] = edge;
      retainingNodes[slot] = node;
    }
  }
  return { firstRetainer, retainingEdges, retainingNodes };
}

/** Hop count from the root over every strong edge: exact shortest distances, unlike DevTools' two-pass search. */
export function strongHopDistances(graph: HeapGraph): Uint32Array {
  const { nodeCount, edges, firstEdgeIndexes } = graph;
  const { edgeFieldCount, edgeToNodeOffset, edgeTypeOffset, nodeFieldCount } = graph.layout;
  const weakType = graph.types.weakEdge;
  const hops = new Uint32Array(nodeCount).fill(UNREACHABLE_HOPS);
  const queue = new Uint32Array(nodeCount);
  hops[graph.rootOrdinal] = 0;
  queue[0] = graph.rootOrdinal;
  let tail = 1;
  for (let head = 0; head < tail; head++) {
    const node = queue[head]!;
    const next = hops[node]! + 1;
    const end = firstEdgeIndexes[node + 1]!;
    for (let edge = firstEdgeIndexes[node]!; edge < end; edge++) {
      const edgeIndex = edge * edgeFieldCount;
      if (edges[edgeIndex + edgeTypeOffset] === weakType) continue;
      const target = edges[edgeIndex + edgeToNodeOffset]! / nodeFieldCount;
      if (hops[target] !== UNREACHABLE_HOPS) continue;
      hops[target] = next;
      queue[tail++] = target;
    }
  }
  return hops;
}

const UNREACHABLE_HOPS = 0xffffffff;

export interface RetainerPathOptions {
  /** Most paths to return (default 5). */
  maxPaths?: number;
  /** Longest path, in edges from the synthetic root (default 20). */
  maxDepth?: number;
  /** Work budget in retainer visits, so that a node with a huge fan-in cannot stall the search (default 2,000,000). */
  maxVisits?: number;
  /** Reuse results already computed for the same graph. */
  distances?: Distances;
  retainerIndex?: RetainerIndex;
  strongHops?: Uint32Array;
}

export interface RetainerPaths {
  target: NodeSummary;
  /** False when no strong path from the root reaches the node (it is garbage, or held only weakly). */
  reachable: boolean;
  /** Length in edges (from the synthetic root) of the shortest strong path; null when unreachable. */
  shortestDepth: number | null;
  /** Root-first paths: DevTools' path first, then other shortest paths by length. */
  paths: RetainerPath[];
  /** True when the limits (paths, depth, work budget) may have left paths out. */
  truncated: boolean;
}

/**
 * Up to `maxPaths` distinct simple paths from the root to `ordinal` over strong edges, no
 * longer than `maxDepth`: first the path DevTools shows (the distance search's parent chain,
 * when within the depth limit), then the others shortest first. Found by iterative deepening
 * backwards from the node over the retainer index, pruned by exact hop distances so that
 * only hops that can still reach the root within the length being searched are tried.
 */
export function findRetainerPaths(
  graph: HeapGraph,
  ordinal: number,
  options: RetainerPathOptions = {},
): RetainerPaths {
  const maxPaths = options.maxPaths ?? 5;
  const maxDepth = options.maxDepth ?? 20;
  const maxVisits = options.maxVisits ?? 2_000_000;
  const target = summarizeNode(graph, ordinal);
  const hops = options.strongHops ?? strongHopDistances(graph);
  const shortest = hops[ordinal]!;
  if (shortest === UNREACHABLE_HOPS) {
    return { target, reachable: false, shortestDepth: null, paths: [], truncated: false };
  }
  if (ordinal === graph.rootOrdinal) {
    return {
      target,
      reachable: true,
      shortestDepth: 0,
      paths: [pathFromEdges(graph, ordinal, [])],
      truncated: false,
    };
  }
  const found: number[][] = [];
  const seen = new Set<string>();
  const add = (edgesFromRoot: number[]) => {
    const key = edgesFromRoot.join(',');
    if (seen.has(key) || found.length >= maxPaths) return;
    seen.add(key);
    found.push(edgesFromRoot);
  };
  const devToolsEdges = parentChain(graph, options.distances ?? computeDistances(graph), ordinal);
  if (devToolsEdges && devToolsEdges.length <= maxDepth) add(devToolsEdges);

  const index = options.retainerIndex ?? buildRetainerIndex(graph);
  const onPath = new Uint8Array(graph.nodeCount);
  const reversed: number[] = [];
  let visits = 0;
  let budgetHit = false;

  // Depth-first, backwards from the target, for paths of exactly `length` edges.
  const search = (node: number, length: number): void => {
    const remaining = length - reversed.length;
    for (let slot = index.firstRetainer[node]!; slot < index.firstRetainer[node + 1]!; slot++) {
      if (found.length >= maxPaths) return;
      if (++visits > maxVisits) {
        budgetHit = true;
        return;
      }
      const retainer = index.retainingNodes[slot]!;
      if (onPath[retainer]) continue;
      // The retainer must reach the root in exactly `remaining - 1` more edges.
      if (hops[retainer]! > remaining - 1) continue;
      reversed.push(index.retainingEdges[slot]!);
      if (retainer === graph.rootOrdinal) {
        if (remaining === 1) add([...reversed].reverse());
      } else if (remaining > 1) {
        onPath[retainer] = 1;
        search(retainer, length);
        onPath[retainer] = 0;
      }
      reversed.pop();
      if (budgetHit) return;
    }
  };

  onPath[ordinal] = 1;
  for (let length = shortest; length <= maxDepth && found.length < maxPaths && !budgetHit; length++) {
    search(ordinal, length);
  }
  const paths = found.map((edges) => pathFromEdges(graph, ordinal, edges));
  return {
    target,
    reachable: true,
    shortestDepth: shortest,
    paths,
    truncated: budgetHit || found.length >= maxPaths || shortest > maxDepth,
  };
}

/** Edge ordinals from the root to `ordinal` along DevTools' parent edges, or null when there is none. */
function parentChain(graph: HeapGraph, distances: Distances, ordinal: number): number[] | null {
  const edges: number[] = [];
  let node = ordinal;
  while (node !== graph.rootOrdinal) {
    const edge = distances.parentEdges[node]!;
    if (edge < 0 || edges.length > graph.nodeCount) return null;
    edges.push(edge);
    node = graph.edgeSource(edge);
  }
  return edges.reverse();
}

/**
 * How a node reads in a path: `Map @12`, `system / NativeContext @5`, `(closure) onData @7` —
 * the name alone when it names the kind of object (`system / …`, synthetic roots), the class
 * and name when the class is a category such as `(closure)`, and always the id.
 */
export function nodeLabel(node: NodeSummary): string {
  const { name, className } = node;
  let label = name ?? className;
  if (
    name !== null &&
    className.startsWith('(') &&
    className !== '(synthetic)' &&
    !name.startsWith('system / ')
  ) {
    label = `${className} ${name}`;
  }
  return `${label} @${node.id}`;
}

/** An edge as DevTools' Retainers view reads it: `[3]` for indexes, the name otherwise. */
export function edgeLabel(edge: PathEdge): string {
  return edge.type === 'element' || edge.type === 'hidden' ? `[${edge.name}]` : edge.name;
}

/** One line, root-first: `(GC roots) @3 --[12]--> (Global handles) @27 --retained_maps--> system / WeakArrayList @59493`. */
export function formatRetainerPath(path: RetainerPath): string {
  return path
    .map((hop) =>
      hop.edge === null ? nodeLabel(hop.node) : `--${edgeLabel(hop.edge)}--> ${nodeLabel(hop.node)}`,
    )
    .join(' ');
}
