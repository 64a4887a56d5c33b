// Groups a graph's nodes by class: a small integer per node ordinal and the class names they
// index. The one place that decides which nodes share a class, so the class summary, the diff
// and growth's class aggregates always agree on what a class is.

import type { HeapGraph } from '../snapshot/graph.js';

export interface ClassBucketOptions {
  /** The class of a node; `graph.className` by default. Any function of the node works. */
  classNameOf?: (ordinal: number) => string;
  /**
   * Give V8 internals their V8 type name as class: a non-object node named `system / Foo` is
   * class `system / Foo` rather than `(system)`, `(object shape)` or `(compiled code)`.
   * Ignored with `classNameOf`. Default false (DevTools' classes).
   */
  internalsByName?: boolean;
}

export interface ClassBuckets {
  /** Class id per node ordinal, an index into `classNames`. */
  classIds: Uint32Array;
  /** Distinct class names; two ids never share a name. */
  classNames: string[];
}

/**
 * A class id per node. The default class depends only on a node's type and, for objects,
 * native nodes (and internals with `internalsByName`), its name: each class name is decoded
 * once per distinct key rather than once per node.
 */
export function bucketByClass(graph: HeapGraph, options: ClassBucketOptions = {}): ClassBuckets {
  const classIds = new Uint32Array(graph.nodeCount);
  const classNames: string[] = [];
  const idsByName = new Map<string, number>();
  const idOfName = (name: string): number => {
    let id = idsByName.get(name);
    if (id === undefined) {
      id = classNames.length;
      classNames.push(name);
      idsByName.set(name, id);
    }
    return id;
  };
  const { classNameOf } = options;
  if (classNameOf) {
    for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++)
      classIds[ordinal] = idOfName(classNameOf(ordinal));
    return { classIds, classNames };
  }
  // Integer keys in a flat table, not a Map: a node's key is its type, or (for classes named
  // by the node's name) the type count plus its name's string index.
  const internals = options.internalsByName ? new InternalNames(graph) : null;
  const { nodes, layout } = graph;
  const { nodeFieldCount, nodeTypeOffset, nodeNameOffset } = layout;
  const typeCount = layout.nodeTypes.length;
  const namedType = new Uint8Array(typeCount);
  for (const type of [graph.types.objectNode, graph.types.nativeNode]) if (type >= 0) namedType[type] = 1;
  const idsByKey = new Int32Array(typeCount + graph.strings.count).fill(-1);
  for (let ordinal = 0, index = 0; ordinal < graph.nodeCount; ordinal++, index += nodeFieldCount) {
    const type = nodes[index + nodeTypeOffset]!;
    const nameIndex = nodes[index + nodeNameOffset]!;
    const byName = namedType[type] === 1 || internals?.test(type, nameIndex) === true;
    const key = byName ? typeCount + nameIndex : type;
    let id = idsByKey[key]!;
    if (id < 0) {
      id = idOfName(byName ? graph.nodeName(ordinal) : graph.className(ordinal));
      idsByKey[key] = id;
    }
    classIds[ordinal] = id;
  }
  return { classIds, classNames };
}

/** Which node names are V8 type names (`system / …`) of non-object nodes; decided once per string. */
class InternalNames {
  readonly #graph: HeapGraph;
  readonly #eligibleTypes: Uint8Array;
  /** Per string index: 0 not decided yet, 1 internal, 2 not. */
  readonly #state: Uint8Array;

  constructor(graph: HeapGraph) {
    this.#graph = graph;
    this.#state = new Uint8Array(graph.strings.count);
    const contentTypes = ['string', 'concatenated string', 'sliced string', 'regexp', 'object', 'native'];
    this.#eligibleTypes = Uint8Array.from(graph.layout.nodeTypes, (name) =>
      contentTypes.includes(name) ? 0 : 1,
    );
  }

  test(type: number, nameIndex: number): boolean {
    if (!this.#eligibleTypes[type]) return false;
    if (this.#state[nameIndex] === 0) {
      this.#state[nameIndex] = this.#graph.strings.get(nameIndex).startsWith('system / ') ? 1 : 2;
    }
    return this.#state[nameIndex] === 1;
  }
}
