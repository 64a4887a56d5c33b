// Rules shared by distances and dominators for edges V8 writes with a special meaning: the
// two edges that hold a WeakMap value (one from the key, one from the table). Names are
// parsed once per string index, since a snapshot repeats the same few names millions of times.

import type { HeapGraph } from '../snapshot/graph.js';

/**
 * V8 names the edges to an ephemeron value `<index> / part of key (<key> @<id>) -> value
 * (<value> @<id>) pair in WeakMap (table @<id>)`, once from the key and once from the table.
 * Same pattern as Chrome DevTools' HeapSnapshot.ts `tryParseWeakMapEdgeName`.
 */
const ephemeronEdgeName =
  /^\d+(?<pair> \/ part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(?<tableId>\d+)\))$/;

export interface EphemeronEdgeName {
  /** The part both edges of one pair share (everything after the leading index). */
  pair: string;
  /** Snapshot id of the table (the EphemeronHashTable) that holds the pair. */
  tableId: number;
}

/**
 * Parses internal-edge names as WeakMap ephemeron names, caching the answer per string index.
 * Shared by every analysis of one graph (see `ephemeronEdgeNames`): a heap with many WeakMap
 * entries has one distinct name per entry edge, and parsing them once is what costs.
 */
export class EphemeronEdgeNames {
  readonly #graph: HeapGraph;
  /** Per string index: 0 not parsed yet, 1 an ephemeron name, 2 not one. */
  readonly state: Uint8Array;
  readonly #parsed = new Map<number, EphemeronEdgeName>();

  constructor(graph: HeapGraph) {
    this.#graph = graph;
    this.state = new Uint8Array(graph.strings.count);
  }

  /** The parsed name of an internal edge, or undefined when it is not an ephemeron edge. */
  parse(edge: number): EphemeronEdgeName | undefined {
    return this.parseName(this.#graph.edgeNameOrIndex(edge));
  }

  /** Same as `parse`, by the edge's string index; callers may test `state[nameIndex] === 2` first. */
  parseName(nameIndex: number): EphemeronEdgeName | undefined {
    const state = this.state[nameIndex];
    if (state === 2) return undefined;
    if (state === 1) return this.#parsed.get(nameIndex);
    const text = this.#graph.strings.get(nameIndex);
    // Cheap rejection first: almost no internal edge name is an ephemeron name.
    const match =
      text.endsWith(')') && text.includes(' pair in WeakMap (table @') ? ephemeronEdgeName.exec(text) : null;
    if (!match?.groups) {
      this.state[nameIndex] = 2;
      return undefined;
    }
    const parsed = { pair: match.groups.pair!, tableId: Number(match.groups.tableId) };
    this.state[nameIndex] = 1;
    this.#parsed.set(nameIndex, parsed);
    return parsed;
  }
}

const sharedEphemeronNames = new WeakMap<HeapGraph, EphemeronEdgeNames>();

/** The graph's ephemeron name cache, created on first use and kept as long as the graph. */
export function ephemeronEdgeNames(graph: HeapGraph): EphemeronEdgeNames {
  let names = sharedEphemeronNames.get(graph);
  if (!names) {
    names = new EphemeronEdgeNames(graph);
    sharedEphemeronNames.set(graph, names);
  }
  return names;
}

/** Per string index: does the string equal `text`? Computed lazily, once per index. */
export class StringIndexMatcher {
  readonly #graph: HeapGraph;
  readonly #text: string;
  readonly #state: Uint8Array;

  constructor(graph: HeapGraph, text: string) {
    this.#graph = graph;
    this.#text = text;
    this.#state = new Uint8Array(graph.strings.count);
  }

  matches(stringIndex: number): boolean {
    const state = this.#state[stringIndex];
    if (state !== 0) return state === 1;
    const equal = this.#graph.strings.get(stringIndex) === this.#text;
    this.#state[stringIndex] = equal ? 1 : 2;
    return equal;
  }
}
