// Path queries: find the structures a readable path of edge and node names leads to
// (`NativeContext > retained_maps`), anywhere in the graph. Steps are evaluated as sets of
// nodes over the whole graph, and names are compared as string-table indexes, decoded once each.

import type { HeapGraph } from '../snapshot/graph.js';
import type { Distances } from './distances.js';
import {
  globToRegExp,
  isGlob,
  type PathPattern,
  type PatternStep,
  parsePathPattern,
} from './path-pattern.js';
import { type RetainerPath, shortestPathFromDistances, summarizeNode } from './retainers.js';

export interface QueryMatch {
  id: number;
  /** Node ordinal in this graph (not stable across snapshots; `id` is, within one process). */
  ordinal: number;
  className: string;
  /** The node name when it says more than the class (`system / WeakArrayList`); never string contents. */
  name: string | null;
  selfSize: number;
  /** All edges of the node, as the snapshot lists them (internal ones such as `map` included). */
  edgeCount: number;
  /**
   * Edges named by an index: elements, hidden slots and the weak slots of lists such as
   * `WeakArrayList`. For list-like structures these are the live entries; cleared slots have
   * no edge.
   */
  entryCount: number;
  /** Retained size, when dominators were computed for the query; else null. */
  retainedSize: number | null;
  /** Hops from the root along the retainer path; null when unreachable or distances were not given. */
  distance: number | null;
  /** The shortest retainer path, root-first (DevTools' path); null when unreachable or not computed. */
  path: RetainerPath | null;
}

export interface QueryOptions {
  /** Most matches to describe (all are counted); default: all. */
  limit?: number;
  /** Distances of the graph: gives each match its retainer path and distance. */
  distances?: Distances;
  /** Retained size of every node by ordinal: gives each match its retained size and the sort order. */
  retainedSizes?: Float64Array;
}

export interface QueryResult {
  pattern: string;
  /** Every node the pattern reaches; `matches` holds the first `limit` of them. */
  matchCount: number;
  /** Largest first: by retained size when known, else by self size; then by id. */
  matches: QueryMatch[];
}

/** Runs a path query. Throws PathPatternError when `pattern` is text that does not parse. */
export function queryGraph(
  graph: HeapGraph,
  pattern: string | PathPattern,
  options: QueryOptions = {},
): QueryResult {
  const parsed = typeof pattern === 'string' ? parsePathPattern(pattern) : pattern;
  const ordinals = findPatternMatches(graph, parsed);
  const retainedSizes = options.retainedSizes;
  const size = retainedSizes
    ? (ordinal: number) => retainedSizes[ordinal]!
    : (ordinal: number) => graph.nodeSelfSize(ordinal);
  const sorted = Array.from(ordinals).sort((a, b) => size(b) - size(a) || graph.nodeId(a) - graph.nodeId(b));
  const limit = options.limit ?? sorted.length;
  const matches = sorted.slice(0, limit).map((ordinal) => describeMatch(graph, ordinal, options));
  return { pattern: parsed.source, matchCount: sorted.length, matches };
}

function describeMatch(graph: HeapGraph, ordinal: number, options: QueryOptions): QueryMatch {
  const summary = summarizeNode(graph, ordinal);
  const distances = options.distances;
  const distance = distances?.distances[ordinal];
  const reachable = distance !== undefined && distance !== 0xffffffff;
  return {
    id: summary.id,
    ordinal,
    className: summary.className,
    name: summary.name,
    selfSize: graph.nodeSelfSize(ordinal),
    edgeCount: graph.nodeEdgeCount(ordinal),
    entryCount: countIndexedEdges(graph, ordinal),
    retainedSize: options.retainedSizes ? options.retainedSizes[ordinal]! : null,
    distance: reachable ? distance : null,
    path: distances && reachable ? shortestPathFromDistances(graph, distances, ordinal) : null,
  };
}

const decimal = /^(0|[1-9]\d*)$/;

function countIndexedEdges(graph: HeapGraph, ordinal: number): number {
  let count = 0;
  for (let edge = graph.firstEdge(ordinal); edge < graph.edgeEnd(ordinal); edge++) {
    if (graph.edgeHasIndexName(edge) || decimal.test(graph.edgeName(edge))) count++;
  }
  return count;
}

/** Ordinals of the nodes `pattern` ends on, ascending. */
export function findPatternMatches(graph: HeapGraph, pattern: PathPattern): Uint32Array {
  let current = new Uint8Array(graph.nodeCount);
  let next = new Uint8Array(graph.nodeCount);
  const steps = pattern.steps;
  let first = 0;
  if (pattern.anchored) {
    current[graph.rootOrdinal] = 1;
  } else {
    startSet(graph, steps[0]!, current);
    first = 1;
  }
  for (let i = first; i < steps.length; i++) {
    next.fill(0);
    advance(graph, steps[i]!, current, next);
    [current, next] = [next, current];
  }
  let count = 0;
  for (let ordinal = 0; ordinal < current.length; ordinal++) count += current[ordinal]!;
  const ordinals = new Uint32Array(count);
  for (let ordinal = 0, position = 0; ordinal < current.length; ordinal++) {
    if (current[ordinal]) ordinals[position++] = ordinal;
  }
  return ordinals;
}

/** The first step of an unanchored pattern: a node that matches, or the target of an edge that does. */
function startSet(graph: HeapGraph, step: PatternStep, into: Uint8Array): void {
  if (step.kind !== 'name') {
    into.fill(1);
    return;
  }
  const matcher = new StepMatcher(graph, step.text, step.target);
  const { nodes, edges } = graph;
  const { nodeFieldCount, nodeTypeOffset, nodeNameOffset } = graph.layout;
  const { edgeFieldCount, edgeTypeOffset, edgeNameOffset, edgeToNodeOffset } = graph.layout;
  if (matcher.matchesNodes) {
    for (let ordinal = 0, index = 0; ordinal < graph.nodeCount; ordinal++, index += nodeFieldCount) {
      if (matcher.nodeMatches(nodes[index + nodeTypeOffset]!, nodes[index + nodeNameOffset]!, ordinal)) {
        into[ordinal] = 1;
      }
    }
  }
  if (matcher.matchesEdges) {
    for (let index = 0; index < edges.length; index += edgeFieldCount) {
      if (matcher.edgeMatches(edges[index + edgeTypeOffset]!, edges[index + edgeNameOffset]!)) {
        into[edges[index + edgeToNodeOffset]! / nodeFieldCount] = 1;
      }
    }
  }
}

function advance(graph: HeapGraph, step: PatternStep, from: Uint8Array, into: Uint8Array): void {
  if (step.kind === 'any-path') {
    strongClosure(graph, from, into);
    return;
  }
  const matcher = step.kind === 'name' ? new StepMatcher(graph, step.text, step.target) : null;
  const { firstEdgeIndexes, edges, nodes } = graph;
  const { edgeFieldCount, edgeToNodeOffset, edgeTypeOffset, edgeNameOffset } = graph.layout;
  const { nodeFieldCount, nodeTypeOffset, nodeNameOffset } = graph.layout;
  for (let node = 0; node < graph.nodeCount; node++) {
    if (!from[node]) continue;
    const end = firstEdgeIndexes[node + 1]!;
    for (let edge = firstEdgeIndexes[node]!; edge < end; edge++) {
      const edgeIndex = edge * edgeFieldCount;
      const targetIndex = edges[edgeIndex + edgeToNodeOffset]!;
      const target = targetIndex / nodeFieldCount;
      if (into[target]) continue;
      if (
        matcher === null ||
        matcher.edgeMatches(edges[edgeIndex + edgeTypeOffset]!, edges[edgeIndex + edgeNameOffset]!) ||
        matcher.nodeMatches(
          nodes[targetIndex + nodeTypeOffset]!,
          nodes[targetIndex + nodeNameOffset]!,
          target,
        )
      ) {
        into[target] = 1;
      }
    }
  }
}

/** Every node reachable from `from` over strong edges, `from` included (`**`, zero or more steps). */
function strongClosure(graph: HeapGraph, from: Uint8Array, into: Uint8Array): void {
  const { firstEdgeIndexes, edges } = graph;
  const { edgeFieldCount, edgeToNodeOffset, edgeTypeOffset, nodeFieldCount } = graph.layout;
  const weakType = graph.types.weakEdge;
  const queue = new Uint32Array(graph.nodeCount);
  let tail = 0;
  for (let node = 0; node < graph.nodeCount; node++) {
    if (from[node]) {
      into[node] = 1;
      queue[tail++] = node;
    }
  }
  for (let head = 0; head < tail; head++) {
    const node = queue[head]!;
    const end = firstEdgeIndexes[node + 1]!;
    for (let edge = firstEdgeIndexes[node]!; edge < end; edge++) {
      const edgeIndex = edge * edgeFieldCount;
      if (edges[edgeIndex + edgeTypeOffset] === weakType) continue;
      const target = edges[edgeIndex + edgeToNodeOffset]! / nodeFieldCount;
      if (into[target]) continue;
      into[target] = 1;
      queue[tail++] = target;
    }
  }
}

/** Per-string-index state bits of a StepMatcher. */
const EVALUATED = 1;
const EDGE_NAME = 2;
const NODE_NAME = 4;
const TYPE_UNKNOWN = 0;
const TYPE_CLASS_MATCHES = 1;
const TYPE_CLASS_DIFFERS = 2;

/**
 * One name step against one graph. Each string index is decoded and compared at most once;
 * after that a match is a byte lookup. Class names that come from the node type (`(system)`,
 * `(closure)`) are decided once per type.
 */
class StepMatcher {
  readonly matchesEdges: boolean;
  readonly matchesNodes: boolean;
  readonly #graph: HeapGraph;
  readonly #edgeTest: (name: string) => boolean;
  readonly #nodeTest: (name: string) => boolean;
  /** The index an element/hidden edge must have, or -1 when the text is not a decimal index. */
  readonly #edgeIndex: number;
  readonly #state: Uint8Array;
  /** Per node type: does the type's class name match (types whose class is not the node name)? */
  readonly #typeState: Uint8Array;
  /** 1 for node types whose class name is the node name (objects, native objects). */
  readonly #namedClassTypes: Uint8Array;
  /** 1 for node types whose names are contents (strings): matched by class only. */
  readonly #contentTypes: Uint8Array;
  readonly #elementEdge: number;
  readonly #hiddenEdge: number;

  constructor(graph: HeapGraph, text: string, target: 'edge-or-node' | 'edge' | 'node') {
    this.#graph = graph;
    this.matchesEdges = target !== 'node';
    this.matchesNodes = target !== 'edge';
    if (isGlob(text)) {
      const edgePattern = globToRegExp(text);
      const nodePattern = globToRegExp(text, SYSTEM_PREFIX);
      this.#edgeTest = (name) => edgePattern.test(name);
      this.#nodeTest = (name) => nodePattern.test(name);
    } else {
      const systemName = `${SYSTEM_PREFIX}${text}`;
      this.#edgeTest = (name) => name === text;
      this.#nodeTest = (name) => name === text || name === systemName;
    }
    this.#edgeIndex = decimalIndex(text);
    this.#state = new Uint8Array(graph.strings.count);
    this.#typeState = new Uint8Array(graph.layout.nodeTypes.length);
    const nodeTypes = graph.layout.nodeTypes;
    this.#namedClassTypes = typeFlags(nodeTypes, ['object', 'native']);
    this.#contentTypes = typeFlags(nodeTypes, ['string', 'concatenated string', 'sliced string']);
    this.#elementEdge = graph.types.elementEdge;
    this.#hiddenEdge = graph.types.hiddenEdge;
  }

  /** Whether an edge of this type and `name_or_index` matches. */
  edgeMatches(edgeType: number, nameOrIndex: number): boolean {
    if (!this.matchesEdges) return false;
    if (edgeType === this.#elementEdge || edgeType === this.#hiddenEdge)
      return nameOrIndex === this.#edgeIndex;
    return (this.#stringState(nameOrIndex) & EDGE_NAME) !== 0;
  }

  /** Whether a node of this type and name (string index) matches; `ordinal` names its class once per type. */
  nodeMatches(nodeType: number, nameIndex: number, ordinal: number): boolean {
    if (!this.matchesNodes) return false;
    if (!this.#namedClassTypes[nodeType]) {
      let typeState = this.#typeState[nodeType]!;
      if (typeState === TYPE_UNKNOWN) {
        typeState = this.#nodeTest(this.#graph.className(ordinal)) ? TYPE_CLASS_MATCHES : TYPE_CLASS_DIFFERS;
        this.#typeState[nodeType] = typeState;
      }
      if (typeState === TYPE_CLASS_MATCHES) return true;
      if (this.#contentTypes[nodeType]) return false;
    }
    return (this.#stringState(nameIndex) & NODE_NAME) !== 0;
  }

  #stringState(index: number): number {
    let state = this.#state[index]!;
    if (state === 0) {
      const value = this.#graph.strings.get(index);
      state = EVALUATED | (this.#edgeTest(value) ? EDGE_NAME : 0) | (this.#nodeTest(value) ? NODE_NAME : 0);
      this.#state[index] = state;
    }
    return state;
  }
}

const SYSTEM_PREFIX = 'system / ';

function typeFlags(typeNames: readonly string[], flagged: readonly string[]): Uint8Array {
  return Uint8Array.from(typeNames, (name) => (flagged.includes(name) ? 1 : 0));
}

function decimalIndex(text: string): number {
  return decimal.test(text) ? Number(text) : -1;
}
