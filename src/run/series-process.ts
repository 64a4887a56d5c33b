// Whether the snapshots of a series come from one process. Within one process, V8 gives an
// object its id the first time a snapshot sees it and keeps it while the object lives, so an
// object in a later snapshot whose id is older than the previous snapshot's newest id must be
// in that previous snapshot, with the same type and size. Another process breaks this.

import { searchSorted } from '../growth/sample-store.js';
import type { HeapGraph } from '../snapshot/index.js';

/**
 * Share of the later snapshot's old-id objects that may be missing from the previous one or
 * differ in type or size before the two are called different processes. Measured here (Node
 * 20.20.2, map-leak and churn-objects services, every object compared): 0.00% between snapshots
 * of one process (45k objects), 61% between the two services.
 */
export const MIXED_MISMATCH_SHARE = 0.1;
/** Below this many comparable objects the id test says nothing. */
const MINIMUM_COMPARED = 200;

/**
 * Objects of a snapshot kept to compare with the next one, at most about this many: a sample
 * chosen by id, so that the next snapshot's objects with the same ids are in its own sample.
 * Keeping every id and shape (16 bytes an object, 21 MB for a 100 MB snapshot) would hold that
 * much next to the next snapshot while it is parsed.
 */
const SAMPLE_SIZE = 65_536;
const HASH_RANGE = 2 ** 32;

/** The sample of one snapshot's objects that the next one is compared with. */
export interface SnapshotIdentity {
  layout: string;
  /** The sampled objects' ids, ascending, and their shapes. */
  ids: Float64Array;
  shapes: Float64Array;
  newestId: number;
  /** An object is in the sample when `sampleHash(id) < limit`. */
  limit: number;
}

export class ProcessContinuity {
  #previous: SnapshotIdentity | null = null;
  #previousName = '';

  /** Why `graph` cannot be from the same process as the previous one checked, or null. */
  check(graph: HeapGraph, name: string): string | null {
    return this.checkIdentity(snapshotIdentity(graph), name);
  }

  /** The same with the snapshot's identity taken elsewhere (`snapshotIdentity`). */
  checkIdentity(current: SnapshotIdentity, name: string): string | null {
    const previous = this.#previous;
    this.#previous = current;
    const previousName = this.#previousName;
    this.#previousName = name;
    if (!previous) return null;
    if (previous.layout !== current.layout)
      return `${name} and ${previousName} describe their heaps differently (snapshot meta): different Node.js versions`;
    const { compared, mismatched } = compareIds(previous, current);
    if (compared >= MINIMUM_COMPARED && mismatched / compared > MIXED_MISMATCH_SHARE)
      return `${Math.round((100 * mismatched) / compared)}% of the objects in ${name} with ids ${previousName} also has are different objects: another process`;
    return null;
  }
}

/**
 * Spreads ids over [0, 2^32): V8 numbers objects in steps of two, and multiplying the step
 * count by 2^32 / φ (Fibonacci hashing, Knuth TAOCP 6.4) spreads consecutive ones evenly.
 */
function sampleHash(id: number): number {
  return Math.imul(Math.floor(id / 2) % HASH_RANGE, 0x9e3779b1) >>> 0;
}

export function snapshotIdentity(graph: HeapGraph): SnapshotIdentity {
  const count = graph.nodeCount;
  const limit = count <= SAMPLE_SIZE ? HASH_RANGE : Math.floor((HASH_RANGE * SAMPLE_SIZE) / count);
  let kept = 0;
  for (let ordinal = 0; ordinal < count; ordinal++) if (sampleHash(graph.nodeId(ordinal)) < limit) kept++;
  const order = new Uint32Array(kept);
  const rawIds = new Float64Array(kept);
  for (let ordinal = 0, at = 0; ordinal < count; ordinal++) {
    const id = graph.nodeId(ordinal);
    if (sampleHash(id) >= limit) continue;
    order[at] = ordinal;
    rawIds[at++] = id;
  }
  const byId = new Uint32Array(kept);
  for (let at = 0; at < kept; at++) byId[at] = at;
  byId.sort((a, b) => rawIds[a]! - rawIds[b]!);
  const ids = new Float64Array(kept);
  const shapes = new Float64Array(kept);
  // Embedder (native) objects get ids of their own scheme, far above the heap's: not a high-water mark.
  let newestId = 0;
  for (let position = 0; position < kept; position++) {
    const at = byId[position]!;
    ids[position] = rawIds[at]!;
    shapes[position] = shapeOf(graph, order[at]!);
    if (shapes[position] !== SKIPPED) newestId = ids[position]!;
  }
  const { layout } = graph;
  return {
    layout: JSON.stringify([
      graph.header.meta.node_fields,
      graph.header.meta.edge_fields,
      layout.nodeTypes,
      layout.edgeTypes,
    ]),
    ids,
    shapes,
    newestId,
    limit,
  };
}

/** Synthetic roots and embedder (native) objects: their ids are the same in every process. */
const SKIPPED = -1;

function shapeOf(graph: HeapGraph, ordinal: number): number {
  const type = graph.nodeType(ordinal);
  if (type === graph.types.syntheticNode || type === graph.types.nativeNode) return SKIPPED;
  return graph.nodeSelfSize(ordinal) * 32 + type;
}

function compareIds(
  previous: SnapshotIdentity,
  current: SnapshotIdentity,
): { compared: number; mismatched: number } {
  let compared = 0;
  let mismatched = 0;
  for (let position = 0; position < current.ids.length; position++) {
    const id = current.ids[position]!;
    if (id > previous.newestId) break;
    // Only objects that the previous (perhaps sparser) sample would also hold.
    if (current.shapes[position] === SKIPPED || sampleHash(id) >= previous.limit) continue;
    compared++;
    const at = searchSorted(previous.ids, id);
    if (at < 0 || previous.shapes[at] !== current.shapes[position]) mismatched++;
  }
  return { compared, mismatched };
}
