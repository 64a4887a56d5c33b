// Measures every structure of one heap graph: each node gets the key of its shortest path from
// the root (see structure-keys.ts), and nodes that share a key are summed — count, self size,
// edges (live entries) and, when given, retained size. Keys are shared across a series.
// A string is one string whatever V8's representation of it (see `STRING_NODE_TYPES`).

import { computeDistances } from '../analysis/distances.js';
import type { HeapGraph } from '../snapshot/graph.js';
import { INDEXED_EDGE_LABEL, ROOT_KEY, type StructureKeys } from './structure-keys.js';

/** Per-key sums for one snapshot, indexed by key id (0 … keyCount − 1; later keys are absent). */
export interface StructureMeasurements {
  keyCount: number;
  count: Float64Array;
  selfSize: Float64Array;
  /** Sum of the nodes' edge counts: the live entries of arrays, tables and lists. */
  edgeCount: Float64Array;
  /** Sum of the nodes' retained sizes; undefined when none were given. */
  retainedSize: Float64Array | undefined;
  /** Key of every node; -1 for nodes no path reaches. */
  nodeKeys: Int32Array;
}

export interface MeasureOptions {
  /** Retained size per node ordinal (from src/analysis dominators), to sum per key. */
  retainedSizes?: ArrayLike<number>;
  /** Shortest-path parent edge per node (from `computeDistances`), if already computed. */
  parentEdges?: Int32Array;
}

/**
 * Keys and measures every reachable node of `graph`. The shortest-path tree is DevTools'
 * (src/analysis/distances.ts: weak edges excluded), so the keys are the retainer paths users
 * see there. Cost: one pass over the nodes plus a binary search per node for its parent.
 */
export function measureStructures(
  graph: HeapGraph,
  keys: StructureKeys,
  options: MeasureOptions = {},
): StructureMeasurements {
  const parentEdges = options.parentEdges ?? computeDistances(graph).parentEdges;
  const stringTypes = stringTypeFlags(graph);
  const { nodeKeys, stringParts } = assignKeys(graph, keys, parentEdges, stringTypes);
  const keyCount = keys.size;
  const count = new Float64Array(keyCount);
  const selfSize = new Float64Array(keyCount);
  const edgeCount = new Float64Array(keyCount);
  const retainedSizes = options.retainedSizes;
  const retainedSize = retainedSizes ? new Float64Array(keyCount) : undefined;
  const { nodes, nodeCount } = graph;
  const { nodeFieldCount, nodeSelfSizeOffset, nodeEdgeCountOffset } = graph.layout;
  for (let ordinal = 0; ordinal < nodeCount; ordinal++) {
    const key = nodeKeys[ordinal]!;
    if (key < 0) continue;
    const nodeIndex = ordinal * nodeFieldCount;
    selfSize[key]! += nodes[nodeIndex + nodeSelfSizeOffset]!;
    // A string's parts are its memory, not objects or entries of the program.
    if (stringParts[ordinal] === 1) continue;
    count[key]! += 1;
    if (stringTypes[graph.nodeType(ordinal)] !== 1)
      edgeCount[key]! += nodes[nodeIndex + nodeEdgeCountOffset]!;
    if (retainedSize) retainedSize[key]! += retainedSizes![ordinal]!;
  }
  return { keyCount, count, selfSize, edgeCount, retainedSize, nodeKeys };
}

/**
 * V8 writes a string as `string`, `concatenated string` (a rope of two parts) or `sliced
 * string` (a view into a parent), and changes one into another on its own: a rope is
 * flattened when it is hashed or compared, a slice copied when its parent would be kept alive.
 * A Map of string keys holds 200 strings while its ropes go 45, 18, 6, … 72 (the HTTP control
 * of bench/verdicts). So every string type keys as `(string)`, counts as one object with no
 * entries, and the parts below a rope or slice add their bytes to it and nothing else.
 */
export const STRING_NODE_TYPES = ['string', 'concatenated string', 'sliced string'] as const;
const STRING_CLASS = '(string)';

/** 1 for the node types that are strings. */
function stringTypeFlags(graph: HeapGraph): Uint8Array {
  const names: readonly string[] = STRING_NODE_TYPES;
  return Uint8Array.from(graph.layout.nodeTypes, (name) => (names.includes(name) ? 1 : 0));
}

/**
 * Gives every node the key of its tree path. A node's key needs its parent's, so each node
 * walks up to the first ancestor with a key and assigns keys on the way back down: every node
 * is keyed once, whatever order the search reached them in. A node below a string (a part of
 * a rope or slice) takes the string's key and is marked in `stringParts`.
 */
function assignKeys(
  graph: HeapGraph,
  keys: StructureKeys,
  parentEdges: Int32Array,
  stringTypes: Uint8Array,
): { nodeKeys: Int32Array; stringParts: Uint8Array } {
  const { nodeCount } = graph;
  const unassigned = -2;
  const nodeKeys = new Int32Array(nodeCount).fill(unassigned);
  const stringParts = new Uint8Array(nodeCount);
  nodeKeys[graph.rootOrdinal] = ROOT_KEY;
  const labels = new SnapshotLabels(graph, keys);
  const parentNodes = new Int32Array(nodeCount).fill(-1);
  const stack: number[] = [];
  for (let start = 0; start < nodeCount; start++) {
    let node = start;
    while (nodeKeys[node] === unassigned) {
      const edge = parentEdges[node]!;
      if (edge < 0) {
        nodeKeys[node] = -1;
        break;
      }
      stack.push(node);
      const parent = graph.edgeSource(edge);
      parentNodes[node] = parent;
      node = parent;
    }
    while (stack.length > 0) {
      const child = stack.pop()!;
      const parentKey = nodeKeys[parentNodes[child]!]!;
      if (parentKey < 0) {
        nodeKeys[child] = -1;
        continue;
      }
      const parent = parentNodes[child]!;
      if (stringTypes[graph.nodeType(parent)] === 1 || stringParts[parent] === 1) {
        nodeKeys[child] = parentKey;
        stringParts[child] = 1;
        continue;
      }
      const edge = parentEdges[child]!;
      nodeKeys[child] = keys.intern(
        parentKey,
        labels.edgeTypeId(edge),
        labels.edgeNameId(edge),
        labels.classId(child),
      );
    }
  }
  return { nodeKeys, stringParts };
}

/**
 * Maps one snapshot's string indexes and type indexes to the series' string ids, each at most
 * once, so keys never depend on a snapshot's string-table order. Only the strings keys use are
 * interned: a raw edge name (`132`, a WeakMap value's ids) and the function name of a code
 * node stay out of the series' strings, which would otherwise gain a snapshot's worth of
 * them per snapshot (117,577 strings measuring a 93 MiB snapshot, 8,781 used by keys).
 */
export class SnapshotLabels {
  readonly #graph: HeapGraph;
  readonly #keys: StructureKeys;
  /** By string index: the series' id of the string as a class name; -1 until asked. */
  readonly #nameIds: Int32Array;
  /** By string index, for the few strings asked (a child's peak grows with an array per string): a label's id, a code node's class. */
  readonly #edgeLabelIds = new Map<number, number>();
  readonly #codeClassIds = new Map<number, number>();
  readonly #edgeTypeIds: number[];
  readonly #typeClassIds: number[];
  readonly #namedTypes: boolean[];
  readonly #indexedLabelId: number;
  readonly #codeType: number;

  constructor(graph: HeapGraph, keys: StructureKeys) {
    this.#graph = graph;
    this.#keys = keys;
    this.#nameIds = new Int32Array(graph.strings.count).fill(-1);
    const { layout, types } = graph;
    this.#edgeTypeIds = layout.edgeTypes.map((name) => keys.internString(name));
    // Element and hidden edges share one type id: both are indexed slots of an array-like.
    for (const type of [types.elementEdge, types.hiddenEdge]) {
      if (type >= 0) this.#edgeTypeIds[type] = keys.internString('element');
    }
    const named = new Set([types.hiddenNode, types.objectNode, types.nativeNode, types.syntheticNode]);
    if (types.objectShapeNode >= 0) named.add(types.objectShapeNode);
    this.#namedTypes = layout.nodeTypes.map((_, type) => named.has(type));
    const strings: readonly string[] = STRING_NODE_TYPES;
    this.#typeClassIds = layout.nodeTypes.map((name, type) => {
      if (type === types.codeNode) return keys.internString('(compiled code)');
      return keys.internString(strings.includes(name) ? STRING_CLASS : `(${name})`);
    });
    this.#indexedLabelId = keys.internString(INDEXED_EDGE_LABEL);
    this.#codeType = types.codeNode;
  }

  edgeTypeId(edge: number): number {
    return this.#edgeTypeIds[this.#graph.edgeType(edge)]!;
  }

  edgeNameId(edge: number): number {
    if (this.#graph.edgeHasIndexName(edge)) return this.#indexedLabelId;
    const index = this.#graph.edgeNameOrIndex(edge);
    let labelId = this.#edgeLabelIds.get(index);
    if (labelId === undefined) {
      labelId = this.#keys.internString(normalizedEdgeName(this.#graph.strings.get(index)));
      this.#edgeLabelIds.set(index, labelId);
    }
    return labelId;
  }

  /**
   * Class of a node for keys: the node name for objects, native and synthetic nodes and for
   * V8 internals (`system / NativeContext`, not just `(system)`); `(type)` for the rest,
   * whose names are contents (strings, numbers) or vary per instance (functions' code).
   */
  classId(ordinal: number): number {
    const type = this.#graph.nodeType(ordinal);
    if (this.#namedTypes[type]) return this.#nameId(this.#graph.nodeNameIndex(ordinal));
    if (type === this.#codeType) return this.#codeClassId(this.#graph.nodeNameIndex(ordinal));
    return this.#typeClassIds[type]!;
  }

  /**
   * V8 writes many internals as code nodes (`system / WeakArrayList`, `(constant pool)`),
   * named so; other code nodes are named after their function, which varies per instance.
   */
  #codeClassId(index: number): number {
    let classId = this.#codeClassIds.get(index);
    if (classId === undefined) {
      const name = this.#graph.strings.get(index);
      const internal = name.startsWith('system / ') || name.startsWith('(');
      classId = internal ? this.#nameId(index) : this.#typeClassIds[this.#codeType]!;
      this.#codeClassIds.set(index, classId);
    }
    return classId;
  }

  #nameId(index: number): number {
    let id = this.#nameIds[index]!;
    if (id < 0) {
      id = this.#keys.internString(this.#graph.strings.get(index));
      this.#nameIds[index] = id;
    }
    return id;
  }
}

/** Label of the edges V8 writes from a WeakMap key or table to the value (names hold object ids). */
export const EPHEMERON_EDGE_LABEL = '[] (WeakMap value)';
const indexName = /^\d+$/;
const ephemeronName = /^\d+ \/ part of key \(/;

/**
 * Edge names that change from entry to entry or snapshot to snapshot: hash-table slots are
 * internal edges named by their index (`132`), and WeakMap value edges name the ids of the
 * key, value and table. Both become one label, so a table's entries share one key.
 */
export function normalizedEdgeName(name: string): string {
  if (indexName.test(name)) return INDEXED_EDGE_LABEL;
  if (ephemeronName.test(name)) return EPHEMERON_EDGE_LABEL;
  return name;
}
