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
 * once per distinct (type, name) key rather than once per node.
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
  const internals = options.internalsByName ? new InternalNames(graph) : null;
  const typeCount = graph.layout.nodeTypes.length;
  const idsByKey = new Map<number, number>();
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    const key = graph.nodeNameIndex(ordinal) * typeCount + graph.nodeType(ordinal);
    let id = idsByKey.get(key);
    if (id === undefined) {
      const internal = internals?.test(graph.nodeType(ordinal), graph.nodeNameIndex(ordinal)) ?? false;
      id = idOfName(internal ? graph.nodeName(ordinal) : graph.className(ordinal));
      idsByKey.set(key, id);
    }
    classIds[ordinal] = id;
  }
  return { classIds, classNames };
}

/** Which node names are V8 type names (`system / …`) of non-object nodes; decided once per string. */
class InternalNames {
  readonly #graph: HeapGraph;
  readonly #eligibleTypes: Uint8Array;
  readonly #state = new Map<number, boolean>();

  constructor(graph: HeapGraph) {
    this.#graph = graph;
    const contentTypes = ['string', 'concatenated string', 'sliced string', 'regexp', 'object', 'native'];
    this.#eligibleTypes = Uint8Array.from(graph.layout.nodeTypes, (name) =>
      contentTypes.includes(name) ? 0 : 1,
    );
  }

  test(type: number, nameIndex: number): boolean {
    if (!this.#eligibleTypes[type]) return false;
    let internal = this.#state.get(nameIndex);
    if (internal === undefined) {
      internal = this.#graph.strings.get(nameIndex).startsWith('system / ');
      this.#state.set(nameIndex, internal);
    }
    return internal;
  }
}
