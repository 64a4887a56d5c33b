// The heap graph that every analysis uses, apart from the file format: nodes and edges in
// flat typed arrays (positions from meta), addressed by node ordinal (0 = the synthetic
// root) and edge ordinal. Nothing here knows about files, the CLI or the terminal.

import { checkEdges, checkNodes, type EdgePrecheck } from './graph-check.js';
import type { RawSnapshotHeader, SnapshotLayout } from './meta.js';
import { resolveLayout } from './meta.js';
import { lastAtOrBefore } from './sorted-search.js';
import type { StringTable } from './strings.js';

/** Numbers read from the file: Uint32 when every value fits, Float64 otherwise. */
export type NumberArray = Uint32Array | Float64Array;

export interface HeapGraphParts {
  header: RawSnapshotHeader;
  /** The nodes, with the fields `nodeFields` names per node. */
  nodes: NumberArray;
  /**
   * The node fields `nodes` holds when it leaves out columns of `meta.node_fields` that are 0
   * throughout (default: all of them). `to_node` in `edges` and `object_index` in `locations`
   * are then the file's indexes; the graph turns them into indexes of the stored `nodes`.
   */
  nodeFields?: string[];
  /** The non-zero values of node fields left out of `nodes`, by field name: node ordinal → value. */
  sparseNodeFields?: Map<string, Map<number, number>>;
  edges: NumberArray;
  strings: StringTable;
  locations?: NumberArray;
  samples?: NumberArray;
  traceFunctionInfos?: NumberArray;
  traceTree?: unknown;
  /**
   * `checkNodes(layout, nodes, strings.count)` when the reader already ran it (while it waited
   * for the edges); the constructor runs it otherwise.
   */
  firstEdgeIndexes?: Uint32Array;
  /** The checks the reader's second thread did on `edges` while it parsed them (graph-check.ts). */
  edgePrecheck?: EdgePrecheck;
  /** Things the reader noticed but tolerated (e.g. header counts that disagree with the data). */
  warnings?: string[];
}

/** Type indexes of the node and edge types analyses care about; -1 when a version lacks one. */
export interface TypeIndexes {
  hiddenNode: number;
  arrayNode: number;
  stringNode: number;
  objectNode: number;
  codeNode: number;
  closureNode: number;
  nativeNode: number;
  syntheticNode: number;
  objectShapeNode: number;
  contextEdge: number;
  elementEdge: number;
  propertyEdge: number;
  internalEdge: number;
  hiddenEdge: number;
  shortcutEdge: number;
  weakEdge: number;
}

export class HeapGraph {
  readonly header: RawSnapshotHeader;
  readonly layout: SnapshotLayout;
  readonly nodes: NumberArray;
  readonly edges: NumberArray;
  readonly strings: StringTable;
  readonly locations: NumberArray | undefined;
  readonly samples: NumberArray | undefined;
  readonly traceFunctionInfos: NumberArray | undefined;
  readonly traceTree: unknown;
  readonly warnings: readonly string[];
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly types: TypeIndexes;
  /** Edge ordinal of each node's first edge; entry `nodeCount` is `edgeCount`. */
  readonly firstEdgeIndexes: Uint32Array;
  /** Root node ordinal: V8 always writes the synthetic root first. */
  readonly rootOrdinal = 0;
  readonly #sparseNodeFields: Map<string, Map<number, number>>;
  #idIndex: { ids: Float64Array; ordinals: Uint32Array } | undefined;
  #totalSelfSize: number | undefined;

  constructor(parts: HeapGraphParts) {
    this.header = parts.header;
    this.layout = resolveLayout(parts.header.meta, parts.nodeFields);
    this.#sparseNodeFields = parts.sparseNodeFields ?? new Map();
    this.nodes = parts.nodes;
    this.edges = parts.edges;
    this.strings = parts.strings;
    this.locations = parts.locations;
    this.samples = parts.samples;
    this.traceFunctionInfos = parts.traceFunctionInfos;
    this.traceTree = parts.traceTree;
    this.warnings = parts.warnings ?? [];
    this.types = typeIndexes(this.layout);
    this.nodeCount = this.nodes.length / this.layout.nodeFieldCount;
    this.edgeCount = this.edges.length / this.layout.edgeFieldCount;
    // A graph that fails these checks would make every later analysis wrong: it is rejected, not repaired.
    this.firstEdgeIndexes = parts.firstEdgeIndexes ?? checkNodes(this.layout, this.nodes, this.strings.count);
    checkEdges(this, parts.edgePrecheck);
  }

  nodeType(ordinal: number): number {
    return this.nodes[ordinal * this.layout.nodeFieldCount + this.layout.nodeTypeOffset]!;
  }
  nodeTypeName(ordinal: number): string {
    return this.layout.nodeTypes[this.nodeType(ordinal)]!;
  }
  nodeNameIndex(ordinal: number): number {
    return this.nodes[ordinal * this.layout.nodeFieldCount + this.layout.nodeNameOffset]!;
  }
  nodeName(ordinal: number): string {
    return this.strings.get(this.nodeNameIndex(ordinal));
  }
  nodeId(ordinal: number): number {
    return this.nodes[ordinal * this.layout.nodeFieldCount + this.layout.nodeIdOffset]!;
  }
  nodeSelfSize(ordinal: number): number {
    return this.nodes[ordinal * this.layout.nodeFieldCount + this.layout.nodeSelfSizeOffset]!;
  }
  nodeEdgeCount(ordinal: number): number {
    return this.nodes[ordinal * this.layout.nodeFieldCount + this.layout.nodeEdgeCountOffset]!;
  }
  /** 0 unknown, 1 attached, 2 detached; 0 when the version does not record it. */
  nodeDetachedness(ordinal: number): number {
    return this.#optionalNodeField(ordinal, this.layout.nodeDetachednessOffset, 'detachedness');
  }
  /** The allocation trace node (with `--track-heap-objects`), else 0. */
  nodeTraceNodeId(ordinal: number): number {
    return this.#optionalNodeField(ordinal, this.layout.nodeTraceNodeIdOffset, 'trace_node_id');
  }
  /** A field stored in `nodes`, or left out of it (its few non-zero values kept apart), or absent: 0. */
  #optionalNodeField(ordinal: number, offset: number, field: string): number {
    if (offset >= 0) return this.nodes[ordinal * this.layout.nodeFieldCount + offset]!;
    return this.#sparseNodeFields.get(field)?.get(ordinal) ?? 0;
  }

  /** The class name DevTools shows for a node: `(system)`, `(closure)`, `(array)`, a constructor name… */
  className(ordinal: number): string {
    const type = this.nodeType(ordinal);
    const types = this.types;
    if (type === types.hiddenNode) return '(system)';
    if (type === types.objectNode || type === types.nativeNode) return this.nodeName(ordinal);
    if (type === types.codeNode) return '(compiled code)';
    return `(${this.layout.nodeTypes[type]})`;
  }

  firstEdge(ordinal: number): number {
    return this.firstEdgeIndexes[ordinal]!;
  }
  /** One past the node's last edge ordinal. */
  edgeEnd(ordinal: number): number {
    return this.firstEdgeIndexes[ordinal + 1]!;
  }
  edgeType(edge: number): number {
    return this.edges[edge * this.layout.edgeFieldCount + this.layout.edgeTypeOffset]!;
  }
  edgeTypeName(edge: number): string {
    return this.layout.edgeTypes[this.edgeType(edge)]!;
  }
  /** The raw `name_or_index`: an element/hidden index, or a string-table index. */
  edgeNameOrIndex(edge: number): number {
    return this.edges[edge * this.layout.edgeFieldCount + this.layout.edgeNameOffset]!;
  }
  /** True when `name_or_index` is a number, not a string index (element and hidden edges). */
  edgeHasIndexName(edge: number): boolean {
    const type = this.edgeType(edge);
    return type === this.types.elementEdge || type === this.types.hiddenEdge;
  }
  edgeName(edge: number): string {
    const nameOrIndex = this.edgeNameOrIndex(edge);
    return this.edgeHasIndexName(edge) ? String(nameOrIndex) : this.strings.get(nameOrIndex);
  }
  /** Target as a node ordinal. */
  edgeTarget(edge: number): number {
    return this.edgeTargetIndex(edge) / this.layout.nodeFieldCount;
  }
  /** Target as an index into the stored nodes array: the file's `to_node` when no column was left out. */
  edgeTargetIndex(edge: number): number {
    return this.edges[edge * this.layout.edgeFieldCount + this.layout.edgeToNodeOffset]!;
  }

  /**
   * The node an edge leaves from: the last node whose first edge is at or before it (nodes
   * without edges share their first-edge index with the next node). Binary search.
   */
  edgeSource(edge: number): number {
    return lastAtOrBefore(this.firstEdgeIndexes, this.nodeCount, edge);
  }

  /** Node ordinal for a snapshot object id, or -1. Builds a sorted index on first use. */
  findNodeById(id: number): number {
    const index = this.#idIndex ?? this.#buildIdIndex();
    let low = 0;
    let high = index.ids.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = index.ids[middle]!;
      if (value === id) return index.ordinals[middle]!;
      if (value < id) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  get totalSelfSize(): number {
    if (this.#totalSelfSize === undefined) {
      let total = 0;
      for (let ordinal = 0; ordinal < this.nodeCount; ordinal++) total += this.nodeSelfSize(ordinal);
      this.#totalSelfSize = total;
    }
    return this.#totalSelfSize;
  }

  /** `extra_native_bytes` from the header (Node 24+), else 0. */
  get extraNativeBytes(): number {
    return typeof this.header.extra_native_bytes === 'number' ? this.header.extra_native_bytes : 0;
  }

  #buildIdIndex(): { ids: Float64Array; ordinals: Uint32Array } {
    const ordinals = new Uint32Array(this.nodeCount);
    for (let ordinal = 0; ordinal < this.nodeCount; ordinal++) ordinals[ordinal] = ordinal;
    const idOf = (ordinal: number) => this.nodeId(ordinal);
    ordinals.sort((a, b) => idOf(a) - idOf(b));
    const ids = new Float64Array(this.nodeCount);
    for (let i = 0; i < ordinals.length; i++) ids[i] = idOf(ordinals[i]!);
    this.#idIndex = { ids, ordinals };
    return this.#idIndex;
  }
}

function typeIndexes(layout: SnapshotLayout): TypeIndexes {
  const node = (name: string) => layout.nodeTypes.indexOf(name);
  const edge = (name: string) => layout.edgeTypes.indexOf(name);
  return {
    hiddenNode: node('hidden'),
    arrayNode: node('array'),
    stringNode: node('string'),
    objectNode: node('object'),
    codeNode: node('code'),
    closureNode: node('closure'),
    nativeNode: node('native'),
    syntheticNode: node('synthetic'),
    objectShapeNode: node('object shape'),
    contextEdge: edge('context'),
    elementEdge: edge('element'),
    propertyEdge: edge('property'),
    internalEdge: edge('internal'),
    hiddenEdge: edge('hidden'),
    shortcutEdge: edge('shortcut'),
    weakEdge: edge('weak'),
  };
}
