// Diff of two heap snapshots. Of one process: by object id (new, deleted, kept), per class.
// Of two processes or two Node.js versions, where ids mean nothing across the pair: by class
// aggregates only. Class totals and deltas are the same either way; ids add the breakdown.

import { UserError } from '../errors.js';
import type { HeapGraph } from '../snapshot/graph.js';
import { bucketByClass } from './class-buckets.js';

export type DiffMode = 'id' | 'class';

export interface DiffOptions {
  /**
   * `id` when both snapshots come from one process (ids identify objects), `class` otherwise;
   * `auto` (default) decides from the snapshots themselves, see `chooseDiffMode`.
   */
  by?: DiffMode | 'auto';
  /**
   * Group V8 internals by their V8 type instead of DevTools' categories: a node named
   * `system / WeakArrayList` is its own class rather than part of `(system)`, `(object shape)`
   * or `(compiled code)`. Default false (DevTools' classes).
   */
  internalsByName?: boolean;
}

export interface ClassDelta {
  className: string;
  beforeCount: number;
  afterCount: number;
  beforeSize: number;
  afterSize: number;
  countDelta: number;
  sizeDelta: number;
  /** By id only: objects of the class in `after` whose ids `before` lacks (null when diffing by class). */
  addedCount: number | null;
  addedSize: number | null;
  /** By id only: objects of the class in `before` whose ids `after` lacks. */
  removedCount: number | null;
  removedSize: number | null;
}

export interface SnapshotTotals {
  nodeCount: number;
  selfSize: number;
}

export interface IdOverlap {
  /** Ids present in both snapshots. */
  commonIds: number;
  /** `commonIds` over the smaller snapshot's node count. */
  fraction: number;
  /** Of the common ids checked, the share that has the same node type and name in both. */
  agreement: number;
}

export interface SnapshotDiff {
  mode: DiffMode;
  /** Why this mode: the user asked, or what the snapshots showed. */
  modeReason: string;
  /** True when the two snapshots describe their fields and types identically. */
  sameFormat: boolean;
  before: SnapshotTotals;
  after: SnapshotTotals;
  /** By id only: totals of new, deleted and kept objects (null when diffing by class). */
  ids: { added: number; addedSize: number; removed: number; removedSize: number; kept: number } | null;
  overlap: IdOverlap;
  /** Every class present in either snapshot, largest absolute size change first. */
  classes: ClassDelta[];
}

/** Same process = at least this share of the smaller snapshot's ids also in the other… */
const SAME_PROCESS_MIN_OVERLAP = 0.5;
/** …and common ids naming the same kind of object this often (ids in unrelated processes collide freely). */
const SAME_PROCESS_MIN_AGREEMENT = 0.98;
/** Common ids checked for agreement: enough for a stable share, few enough to stay cheap. */
const AGREEMENT_SAMPLE = 5000;

export function diffSnapshots(before: HeapGraph, after: HeapGraph, options: DiffOptions = {}): SnapshotDiff {
  checkComparable(before, 'before');
  checkComparable(after, 'after');
  const sameFormat = sameLayout(before, after);
  const beforeIds = sortedIds(before);
  const afterIds = sortedIds(after);
  const membership = matchIds(beforeIds, afterIds, before.nodeCount, after.nodeCount);
  const overlap = measureOverlap(before, after, beforeIds, afterIds, membership.commonPairs);
  const { mode, reason } = chooseMode(options.by ?? 'auto', sameFormat, overlap);
  const internalsByName = options.internalsByName ?? false;
  const beforeClasses = aggregateByClass(
    before,
    mode === 'id' ? membership.beforeKept : null,
    internalsByName,
  );
  const afterClasses = aggregateByClass(after, mode === 'id' ? membership.afterKept : null, internalsByName);
  const classes = mergeClasses(beforeClasses, afterClasses, mode);
  return {
    mode,
    modeReason: reason,
    sameFormat,
    before: { nodeCount: before.nodeCount, selfSize: before.totalSelfSize },
    after: { nodeCount: after.nodeCount, selfSize: after.totalSelfSize },
    ids: mode === 'id' ? idTotals(classes, overlap.commonIds) : null,
    overlap,
    classes,
  };
}

/**
 * A class diff needs only node types, names and self sizes, which every readable snapshot
 * has; what it cannot do without is a way to name classes, so a type list without `object`
 * is the one thing treated as incompatible.
 */
function checkComparable(graph: HeapGraph, which: string): void {
  if (graph.types.objectNode < 0) {
    throw new UserError(
      `the ${which} snapshot's meta has no "object" node type, so its classes cannot be compared`,
      'ERR_HEAPDRIFT_INCOMPATIBLE',
    );
  }
}

function sameLayout(before: HeapGraph, after: HeapGraph): boolean {
  const describe = (graph: HeapGraph) =>
    JSON.stringify([
      graph.header.meta.node_fields,
      graph.header.meta.edge_fields,
      graph.layout.nodeTypes,
      graph.layout.edgeTypes,
    ]);
  return describe(before) === describe(after);
}

function chooseMode(
  requested: DiffMode | 'auto',
  sameFormat: boolean,
  overlap: IdOverlap,
): { mode: DiffMode; reason: string } {
  if (requested === 'class') return { mode: 'class', reason: 'requested' };
  if (requested === 'id') {
    if (!sameFormat) {
      throw new UserError(
        'cannot diff by id: the two snapshots have different formats (different Node.js versions), so they are not of one process; diff by class instead',
        'ERR_HEAPDRIFT_INCOMPATIBLE',
      );
    }
    return { mode: 'id', reason: 'requested' };
  }
  const percent = (value: number) => `${Math.round(value * 100)}%`;
  if (!sameFormat) return { mode: 'class', reason: 'different snapshot formats: not one process' };
  if (overlap.fraction < SAME_PROCESS_MIN_OVERLAP) {
    return { mode: 'class', reason: `only ${percent(overlap.fraction)} of ids in common: not one process` };
  }
  if (overlap.agreement < SAME_PROCESS_MIN_AGREEMENT) {
    return {
      mode: 'class',
      reason: `common ids name different objects (${percent(overlap.agreement)} agree): not one process`,
    };
  }
  return {
    mode: 'id',
    reason: `${percent(overlap.fraction)} of ids in common, ${percent(overlap.agreement)} naming the same objects: one process`,
  };
}

interface SortedIds {
  ids: Float64Array;
  ordinals: Uint32Array;
}

/**
 * Ids in ascending order with their ordinals. V8 ids are 32-bit, so each (id, ordinal) pair is
 * packed into one 64-bit word (id high, ordinal low) and sorted natively — a comparator sort of
 * millions of ordinals is an order of magnitude slower. Ids past 32 bits fall back to it.
 */
function sortedIds(graph: HeapGraph): SortedIds {
  const count = graph.nodeCount;
  const packed = new BigUint64Array(count);
  const words = new Uint32Array(packed.buffer);
  const [low, high] = littleEndian ? [0, 1] : [1, 0];
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const id = graph.nodeId(ordinal);
    if (id > 0xffffffff || !Number.isInteger(id) || id < 0) return sortedIdsByComparator(graph);
    words[2 * ordinal + high] = id;
    words[2 * ordinal + low] = ordinal;
  }
  packed.sort();
  const ids = new Float64Array(count);
  const ordinals = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    ids[i] = words[2 * i + high]!;
    ordinals[i] = words[2 * i + low]!;
  }
  return { ids, ordinals };
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function sortedIdsByComparator(graph: HeapGraph): SortedIds {
  const ordinals = new Uint32Array(graph.nodeCount);
  const byOrdinal = new Float64Array(graph.nodeCount);
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    ordinals[ordinal] = ordinal;
    byOrdinal[ordinal] = graph.nodeId(ordinal);
  }
  ordinals.sort((a, b) => byOrdinal[a]! - byOrdinal[b]!);
  const ids = new Float64Array(graph.nodeCount);
  for (let i = 0; i < ordinals.length; i++) ids[i] = byOrdinal[ordinals[i]!]!;
  return { ids, ordinals };
}

interface IdMembership {
  /** 1 for nodes whose id is in the other snapshot too. */
  beforeKept: Uint8Array;
  afterKept: Uint8Array;
  /** Ordinal pairs (before, after) of common ids, interleaved. */
  commonPairs: Uint32Array;
}

/** One merge walk over both sorted id lists. */
function matchIds(
  before: SortedIds,
  after: SortedIds,
  beforeCount: number,
  afterCount: number,
): IdMembership {
  const beforeKept = new Uint8Array(beforeCount);
  const afterKept = new Uint8Array(afterCount);
  const pairs = new Uint32Array(2 * Math.min(beforeCount, afterCount));
  let common = 0;
  let i = 0;
  let j = 0;
  while (i < before.ids.length && j < after.ids.length) {
    const a = before.ids[i]!;
    const b = after.ids[j]!;
    if (a < b) i++;
    else if (b < a) j++;
    else {
      const beforeOrdinal = before.ordinals[i++]!;
      const afterOrdinal = after.ordinals[j++]!;
      beforeKept[beforeOrdinal] = 1;
      afterKept[afterOrdinal] = 1;
      pairs[2 * common] = beforeOrdinal;
      pairs[2 * common + 1] = afterOrdinal;
      common++;
    }
  }
  return { beforeKept, afterKept, commonPairs: pairs.subarray(0, 2 * common) };
}

/** How many ids the snapshots share, and whether a shared id names the same kind of object in both. */
function measureOverlap(
  before: HeapGraph,
  after: HeapGraph,
  beforeIds: SortedIds,
  afterIds: SortedIds,
  commonPairs: Uint32Array,
): IdOverlap {
  const commonIds = commonPairs.length / 2;
  const smaller = Math.min(beforeIds.ids.length, afterIds.ids.length);
  const step = Math.max(1, Math.floor(commonIds / AGREEMENT_SAMPLE));
  let checked = 0;
  let agreeing = 0;
  for (let pair = 0; pair < commonIds; pair += step) {
    const beforeOrdinal = commonPairs[2 * pair]!;
    const afterOrdinal = commonPairs[2 * pair + 1]!;
    checked++;
    if (sameKind(before, beforeOrdinal, after, afterOrdinal)) agreeing++;
  }
  return {
    commonIds,
    fraction: smaller === 0 ? 0 : commonIds / smaller,
    agreement: checked === 0 ? 0 : agreeing / checked,
  };
}

/** Same node type and, except for strings (whose names are contents), the same name. */
function sameKind(before: HeapGraph, beforeOrdinal: number, after: HeapGraph, afterOrdinal: number): boolean {
  const type = before.nodeTypeName(beforeOrdinal);
  if (type !== after.nodeTypeName(afterOrdinal)) return false;
  if (type.endsWith('string')) return true;
  return before.nodeName(beforeOrdinal) === after.nodeName(afterOrdinal);
}

interface ClassAggregate {
  count: number;
  size: number;
  /** Objects not kept (ids absent from the other snapshot): added in `after`, removed in `before`. */
  unmatchedCount: number;
  unmatchedSize: number;
}

/** Per class name (`bucketByClass`'s classes). */
function aggregateByClass(
  graph: HeapGraph,
  kept: Uint8Array | null,
  internalsByName: boolean,
): Map<string, ClassAggregate> {
  const { classIds, classNames } = bucketByClass(graph, { internalsByName });
  const aggregates: ClassAggregate[] = classNames.map(() => ({
    count: 0,
    size: 0,
    unmatchedCount: 0,
    unmatchedSize: 0,
  }));
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    const aggregate = aggregates[classIds[ordinal]!]!;
    const size = graph.nodeSelfSize(ordinal);
    aggregate.count++;
    aggregate.size += size;
    if (kept !== null && !kept[ordinal]) {
      aggregate.unmatchedCount++;
      aggregate.unmatchedSize += size;
    }
  }
  return new Map(classNames.map((name, classId) => [name, aggregates[classId]!]));
}

function mergeClasses(
  before: Map<string, ClassAggregate>,
  after: Map<string, ClassAggregate>,
  mode: DiffMode,
): ClassDelta[] {
  const empty: ClassAggregate = { count: 0, size: 0, unmatchedCount: 0, unmatchedSize: 0 };
  const names = new Set([...before.keys(), ...after.keys()]);
  const classes: ClassDelta[] = [];
  for (const className of names) {
    const old = before.get(className) ?? empty;
    const now = after.get(className) ?? empty;
    const byId = mode === 'id';
    classes.push({
      className,
      beforeCount: old.count,
      afterCount: now.count,
      beforeSize: old.size,
      afterSize: now.size,
      countDelta: now.count - old.count,
      sizeDelta: now.size - old.size,
      addedCount: byId ? now.unmatchedCount : null,
      addedSize: byId ? now.unmatchedSize : null,
      removedCount: byId ? old.unmatchedCount : null,
      removedSize: byId ? old.unmatchedSize : null,
    });
  }
  return classes.sort(
    (a, b) =>
      Math.abs(b.sizeDelta) - Math.abs(a.sizeDelta) ||
      Math.abs(b.countDelta) - Math.abs(a.countDelta) ||
      (a.className < b.className ? -1 : a.className > b.className ? 1 : 0),
  );
}

function idTotals(classes: ClassDelta[], kept: number): NonNullable<SnapshotDiff['ids']> {
  const totals = { added: 0, addedSize: 0, removed: 0, removedSize: 0, kept };
  for (const row of classes) {
    totals.added += row.addedCount ?? 0;
    totals.addedSize += row.addedSize ?? 0;
    totals.removed += row.removedCount ?? 0;
    totals.removedSize += row.removedSize ?? 0;
  }
  return totals;
}
