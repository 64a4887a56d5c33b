// Stable names for heap structures across the snapshots of one series. Object ids change when
// V8 reallocates a growing array, so a structure is named by its shortest path from the root:
// the chain of (edge label, class name) pairs, interned as integer keys in a trie.

/** Key of the synthetic root; every other key has a parent. */
export const ROOT_KEY = 0;
/** Label of element and hidden edges: their index changes as arrays grow, so it is dropped. */
export const INDEXED_EDGE_LABEL = '[]';

/** One step of a key's path. */
export interface PathSegment {
  /** Edge label as shown: the property/internal name, or `[]` for element and hidden edges. */
  edge: string;
  /** Edge type name (`property`, `internal`, `element`, …). */
  edgeType: string;
  /** Class of the node reached: constructor name, `system / Foo` for V8 internals, `(array)`… */
  className: string;
}

/** Part of a trie as plain data (`StructureKeys.tail`), to cross a process boundary. */
export interface StructureKeysTail {
  firstKey: number;
  firstString: number;
  strings: string[];
  parents: Int32Array;
  edgeTypes: Int32Array;
  edgeNames: Int32Array;
  classes: Int32Array;
}

const HIDDEN_SYSTEM_PREFIX = 'system / ';
const EMPTY_SLOT = -1;

/**
 * The trie of structure keys. A key is interned from (parent key, edge label, class) where the
 * label packs an edge type and a name, all as integer ids, so measuring a snapshot builds no
 * string per node; strings are built only for the keys someone asks to see.
 */
export class StructureKeys {
  #parents = new Int32Array(1024);
  #edgeTypes = new Int32Array(1024);
  #edgeNames = new Int32Array(1024);
  #classes = new Int32Array(1024);
  #size = 1;
  /** Open-addressing table of key ids, hashed by (parent, edge type, edge name, class). */
  #slots = new Int32Array(2048).fill(EMPTY_SLOT);
  readonly #stringIds = new Map<string, number>();
  readonly #strings: string[] = [];

  constructor() {
    this.#parents[ROOT_KEY] = -1;
    this.#edgeTypes[ROOT_KEY] = this.internString('');
    this.#edgeNames[ROOT_KEY] = this.#edgeTypes[ROOT_KEY]!;
    this.#classes[ROOT_KEY] = this.#edgeTypes[ROOT_KEY]!;
  }

  /** Number of keys, the root included; key ids are 0 … size − 1. */
  get size(): number {
    return this.#size;
  }

  /** Number of strings interned (`internString`): string ids are 0 … stringCount − 1. */
  get stringCount(): number {
    return this.#strings.length;
  }

  /** Id of a string shared by all snapshots of the series. */
  internString(text: string): number {
    let id = this.#stringIds.get(text);
    if (id === undefined) {
      id = this.#strings.length;
      this.#strings.push(text);
      this.#stringIds.set(text, id);
    }
    return id;
  }

  stringOf(id: number): string {
    const text = this.#strings[id];
    if (text === undefined) throw new RangeError(`no string with id ${id}`);
    return text;
  }

  /** The key of the node reached from `parent` by an edge (type, name) with class `classId`: all string ids. */
  intern(parent: number, edgeTypeId: number, edgeNameId: number, classId: number): number {
    const mask = this.#slots.length - 1;
    let slot = hashKey(parent, edgeTypeId, edgeNameId, classId) & mask;
    for (;;) {
      const key = this.#slots[slot]!;
      if (key === EMPTY_SLOT) break;
      if (
        this.#parents[key] === parent &&
        this.#edgeNames[key] === edgeNameId &&
        this.#classes[key] === classId &&
        this.#edgeTypes[key] === edgeTypeId
      ) {
        return key;
      }
      slot = (slot + 1) & mask;
    }
    const key = this.#size++;
    this.#ensureCapacity(this.#size);
    this.#parents[key] = parent;
    this.#edgeTypes[key] = edgeTypeId;
    this.#edgeNames[key] = edgeNameId;
    this.#classes[key] = classId;
    this.#slots[slot] = key;
    if (this.#size * 2 > this.#slots.length) this.#rehash();
    return key;
  }

  parentOf(key: number): number {
    this.#check(key);
    return this.#parents[key]!;
  }

  /** Path depth: 0 for the root, 1 for its children. */
  depthOf(key: number): number {
    let depth = 0;
    for (let current = key; current !== ROOT_KEY; current = this.parentOf(current)) depth++;
    return depth;
  }

  segment(key: number): PathSegment {
    this.#check(key);
    return {
      edge: this.stringOf(this.#edgeNames[key]!),
      edgeType: this.stringOf(this.#edgeTypes[key]!),
      className: this.stringOf(this.#classes[key]!),
    };
  }

  /** Segments from the root's child down to `key`. */
  segments(key: number): PathSegment[] {
    const result: PathSegment[] = [];
    for (let current = key; current !== ROOT_KEY; current = this.parentOf(current)) {
      result.push(this.segment(current));
    }
    return result.reverse();
  }

  /**
   * Readable path, class and edge names alternating:
   * `(GC roots) > [] > (Strong roots) > … > system / NativeContext > retained_maps > system / WeakArrayList`.
   * With `maximumSegments`, the middle is elided as `…`.
   */
  path(key: number, maximumSegments = Number.POSITIVE_INFINITY): string {
    const segments = this.segments(key);
    if (segments.length === 0) return '(root)';
    const parts = [segments[0]!.className];
    for (const segment of segments.slice(1)) parts.push(segment.edge, segment.className);
    if (parts.length <= maximumSegments || maximumSegments < 3) return parts.join(' > ');
    // Keep the first class and the tail, whose last edge and classes say what the structure is.
    const tailLength = maximumSegments - 1;
    const tail = parts.slice(parts.length - tailLength);
    if (tailLength % 2 === 0) tail.shift();
    return [parts[0], '…', ...tail].join(' > ');
  }

  /** Short form users can query: `NativeContext > retained_maps` (parent class, then the edge). */
  label(key: number): string {
    const segment = this.segment(key);
    const parent = this.parentOf(key);
    if (parent === ROOT_KEY) return shortClassName(segment.className);
    return `${shortClassName(this.segment(parent).className)} > ${segment.edge}`;
  }

  /**
   * Keys whose path ends with `query`: segments separated by `>`, class and edge names
   * alternating, ending with either (`NativeContext > retained_maps`,
   * `NativeContext > retained_maps > WeakArrayList`). Class names match with or without the
   * `system / ` prefix; `*` matches any one segment.
   */
  find(query: string): number[] {
    const parts = parsePathQuery(query);
    const matches: number[] = [];
    for (let key = 1; key < this.#size; key++) {
      if (this.#matchesEndingWithClass(key, parts) || this.#matchesEndingWithEdge(key, parts))
        matches.push(key);
    }
    return matches;
  }

  #matchesEndingWithClass(key: number, parts: string[]): boolean {
    // Walk back: class, edge, class, edge, …
    let current = key;
    for (let i = parts.length - 1; i >= 0; i--) {
      if (current === ROOT_KEY) return false;
      const fromEnd = parts.length - 1 - i;
      if (fromEnd % 2 === 0) {
        if (!classMatches(this.stringOf(this.#classes[current]!), parts[i]!)) return false;
      } else {
        if (!edgeMatches(this.stringOf(this.#edgeNames[current]!), parts[i]!)) return false;
        current = this.#parents[current]!;
      }
    }
    return true;
  }

  #matchesEndingWithEdge(key: number, parts: string[]): boolean {
    // Walk back: edge, class (of the parent), edge, …
    let current = key;
    for (let i = parts.length - 1; i >= 0; i--) {
      if (current === ROOT_KEY) return false;
      const fromEnd = parts.length - 1 - i;
      if (fromEnd % 2 === 0) {
        if (!edgeMatches(this.stringOf(this.#edgeNames[current]!), parts[i]!)) return false;
        current = this.#parents[current]!;
      } else if (!classMatches(this.stringOf(this.#classes[current]!), parts[i]!)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Keys from `firstKey` and strings from `firstString` on, as plain data that can cross to
   * another process (a series measures each snapshot in a child of its own).
   */
  tail(firstKey = ROOT_KEY + 1, firstString = 0): StructureKeysTail {
    return {
      firstKey,
      firstString,
      strings: this.#strings.slice(firstString),
      parents: this.#parents.slice(firstKey, this.#size),
      edgeTypes: this.#edgeTypes.slice(firstKey, this.#size),
      edgeNames: this.#edgeNames.slice(firstKey, this.#size),
      classes: this.#classes.slice(firstKey, this.#size),
    };
  }

  /**
   * Interns another trie's keys (a whole one, from `tail()`) into this one, in that trie's id
   * order, and returns the id each of its keys has here. Keys are interned in the order a
   * snapshot first reaches them, so a trie built from one snapshot alone and adopted gives its
   * new keys the ids measuring that snapshot with this trie would have given them.
   */
  adopt(other: StructureKeysTail): Int32Array {
    if (other.firstKey !== ROOT_KEY + 1 || other.firstString !== 0)
      throw new RangeError(`a trie from key ${other.firstKey} is not a whole one`);
    const stringIds = other.strings.map((text) => this.internString(text));
    const ids = new Int32Array(other.parents.length + 1);
    ids[ROOT_KEY] = ROOT_KEY;
    for (let position = 0; position < other.parents.length; position++) {
      ids[position + 1] = this.intern(
        ids[other.parents[position]!]!,
        stringIds[other.edgeTypes[position]!]!,
        stringIds[other.edgeNames[position]!]!,
        stringIds[other.classes[position]!]!,
      );
    }
    return ids;
  }

  #check(key: number): void {
    if (!(key >= 0 && key < this.#size)) throw new RangeError(`no structure key ${key} (${this.#size} keys)`);
  }

  #ensureCapacity(size: number): void {
    if (size <= this.#parents.length) return;
    const capacity = this.#parents.length * 2;
    this.#parents = grow(this.#parents, capacity);
    this.#edgeTypes = grow(this.#edgeTypes, capacity);
    this.#edgeNames = grow(this.#edgeNames, capacity);
    this.#classes = grow(this.#classes, capacity);
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2).fill(EMPTY_SLOT);
    const mask = slots.length - 1;
    for (let key = 1; key < this.#size; key++) {
      let slot =
        hashKey(this.#parents[key]!, this.#edgeTypes[key]!, this.#edgeNames[key]!, this.#classes[key]!) &
        mask;
      while (slots[slot] !== EMPTY_SLOT) slot = (slot + 1) & mask;
      slots[slot] = key;
    }
    this.#slots = slots;
  }
}

/** `system / NativeContext` → `NativeContext`: the form users type. */
export function shortClassName(className: string): string {
  return className.startsWith(HIDDEN_SYSTEM_PREFIX)
    ? className.slice(HIDDEN_SYSTEM_PREFIX.length)
    : className;
}

export function parsePathQuery(query: string): string[] {
  const parts = query.split('>').map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => part.length === 0)) {
    throw new RangeError(
      `path query "${query}" has an empty segment; write e.g. "NativeContext > retained_maps"`,
    );
  }
  return parts;
}

function classMatches(className: string, pattern: string): boolean {
  return pattern === '*' || className === pattern || shortClassName(className) === shortClassName(pattern);
}

function edgeMatches(edge: string, pattern: string): boolean {
  return pattern === '*' || edge === pattern;
}

function grow(array: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(capacity);
  grown.set(array);
  return grown;
}

function hashKey(parent: number, edgeType: number, edgeName: number, classId: number): number {
  let hash = Math.imul(parent, 0x9e3779b1);
  hash = Math.imul(hash ^ edgeName, 0x85ebca6b);
  hash = Math.imul(hash ^ classId, 0xc2b2ae35);
  hash ^= edgeType;
  hash ^= hash >>> 15;
  return hash >>> 0;
}
