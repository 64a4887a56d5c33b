// One snapshot of a run, from file to measurements: read it, compute shortest paths and
// retained sizes, measure every structure by its path key, the named tracks and the classes,
// and hand them to the run's tracker.

import { computeDistances, computeDominators, queryGraph } from '../analysis/index.js';
import { formatRetainerPath } from '../analysis/retainers.js';
import {
  type ClassAggregate,
  classAggregates,
  measureStructures,
  ROOT_KEY,
  type SeriesTracker,
  type StructureKeys,
  type StructureMeasurements,
} from '../growth/index.js';
import { type HeapGraph, readHeapSnapshot } from '../snapshot/index.js';

export interface TrackMeasurement {
  name: string;
  matches: number;
  selfSize: number;
  edgeCount: number;
  entryCount: number;
  retainedSize: number;
  /** The main match, so a report can show what was found without the snapshot. */
  className: string | null;
  nodeName: string | null;
  id: number | null;
  path: string | null;
}

export interface SnapshotMeasurement {
  nodeCount: number;
  edgeCount: number;
  totalSelfSize: number;
  tracks: TrackMeasurement[];
  parseMs: number;
  analysisMs: number;
}

export async function measureSnapshot(
  file: string,
  snapshotIndex: number,
  x: number,
  elapsedMs: number,
  tracker: SeriesTracker,
  trackQueries: readonly string[],
): Promise<SnapshotMeasurement> {
  const started = performance.now();
  const graph = await readHeapSnapshot(file);
  const parseMs = performance.now() - started;
  return { ...measureGraph(graph, snapshotIndex, x, elapsedMs, tracker, trackQueries), parseMs };
}

/** The same for a snapshot already parsed (e.g. streamed from a live process's inspector). */
export function measureGraph(
  graph: HeapGraph,
  snapshotIndex: number,
  x: number,
  elapsedMs: number,
  tracker: SeriesTracker,
  trackQueries: readonly string[],
): SnapshotMeasurement {
  const measured = measureGraphAlone(graph, tracker.keys, trackQueries);
  return recordMeasurement(measured, snapshotIndex, x, elapsedMs, tracker);
}

/**
 * Everything a run keeps of one snapshot, as plain data: what `measureGraph` computes before
 * it touches the tracker. It can be computed in another process and sent back.
 */
export interface GraphMeasurement {
  structures: StructureMeasurements;
  classes: ClassAggregate[];
  tracks: TrackMeasurement[];
  nodeCount: number;
  edgeCount: number;
  totalSelfSize: number;
  analysisMs: number;
}

/** Measures a graph with `keys` (interning its new paths into them), leaving no reference to the graph. */
export function measureGraphAlone(
  graph: HeapGraph,
  keys: StructureKeys,
  trackQueries: readonly string[],
): GraphMeasurement {
  const parsed = performance.now();
  // The agent's global reaches the module cache too: take it last, so program structures are
  // keyed by the program's own paths, not hidden as the agent's.
  const distances = computeDistances(graph, { deferEdge: (edge) => isAgentEdge(graph, edge) });
  const tree = computeDominators(graph);
  const measurements = measureStructures(graph, keys, {
    retainedSizes: tree.retainedSizes,
    parentEdges: distances.parentEdges,
  });
  const agentKeys = agentKeyFlags(keys, measurements.keyCount);
  const classes = withoutAgentObjects(classAggregates(graph, tree), graph, measurements, agentKeys);
  hideAgentStructures(measurements, agentKeys);
  const tracks = trackQueries.map((query) =>
    trackMeasurement(query, queryGraph(graph, query, { distances, retainedSizes: tree.retainedSizes })),
  );
  return {
    // Per-node keys are the graph's, not the run's: nothing after this needs them.
    structures: { ...measurements, nodeKeys: new Int32Array(0) },
    classes,
    tracks,
    nodeCount: graph.nodeCount,
    edgeCount: graph.edgeCount,
    totalSelfSize: graph.totalSelfSize,
    analysisMs: performance.now() - parsed,
  };
}

/** Hands one snapshot's measurements to the run's tracker (whose keys they were measured with). */
export function recordMeasurement(
  measured: GraphMeasurement,
  snapshotIndex: number,
  x: number,
  elapsedMs: number,
  tracker: SeriesTracker,
): SnapshotMeasurement {
  tracker.add(snapshotIndex, x, measured.structures, elapsedMs);
  tracker.addClassAggregates(snapshotIndex, measured.classes);
  for (const track of measured.tracks) {
    tracker.addNamedMeasurement(snapshotIndex, {
      name: track.name,
      selfSize: track.selfSize,
      edgeCount: track.entryCount,
      retainedSize: track.retainedSize,
      count: track.matches,
    });
  }
  return {
    nodeCount: measured.nodeCount,
    edgeCount: measured.edgeCount,
    totalSelfSize: measured.totalSelfSize,
    tracks: measured.tracks,
    parseMs: 0,
    analysisMs: measured.analysisMs,
  };
}

function trackMeasurement(query: string, result: ReturnType<typeof queryGraph>): TrackMeasurement {
  const main = result.matches[0];
  const measurement: TrackMeasurement = {
    name: query,
    matches: result.matchCount,
    selfSize: 0,
    edgeCount: 0,
    entryCount: 0,
    retainedSize: 0,
    className: main?.className ?? null,
    nodeName: main?.name ?? null,
    id: main?.id ?? null,
    path: main?.path ? formatRetainerPath(main.path) : null,
  };
  for (const match of result.matches) {
    measurement.selfSize += match.selfSize;
    measurement.edgeCount += match.edgeCount;
    measurement.entryCount += match.entryCount;
    measurement.retainedSize += match.retainedSize ?? 0;
  }
  return measurement;
}

/** Global names under which heapdrift's agent lives in the scenario's process. */
const AGENT_PREFIX = '__heapdrift';

function isAgentEdge(graph: Awaited<ReturnType<typeof readHeapSnapshot>>, edge: number): boolean {
  return !graph.edgeHasIndexName(edge) && graph.edgeName(edge).startsWith(AGENT_PREFIX);
}

/**
 * The agent's own objects (reached from `globalThis.__heapdrift…`) are not the scenario's:
 * their retained sizes drift as the agent's code gets compiled, so they are left out of the
 * structures a run judges.
 */
const agentKeysOf = new WeakMap<StructureKeys, { flags: Uint8Array; checked: number }>();

function hideAgentStructures(measurements: StructureMeasurements, flags: Uint8Array): void {
  for (let key = 0; key < measurements.keyCount; key++) {
    if (flags[key] !== 1) continue;
    measurements.count[key] = 0;
    measurements.selfSize[key] = 0;
    measurements.edgeCount[key] = 0;
    if (measurements.retainedSize) measurements.retainedSize[key] = 0;
  }
}

/**
 * Class totals without the agent's objects either: the agent keeps records of its own that
 * grow in small steps (+280, +32, +48, +104 B of `Object` over a run, the same in every
 * scenario), enough to pass the exact floors in a program that allocates almost nothing.
 * Retained sizes stay as they are: a class's retained size is not evidence of its own.
 */
function withoutAgentObjects(
  aggregates: ClassAggregate[],
  graph: HeapGraph,
  measurements: StructureMeasurements,
  flags: Uint8Array,
): ClassAggregate[] {
  const byName = new Map(aggregates.map((aggregate) => [aggregate.className, aggregate]));
  const { nodeKeys } = measurements;
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    const key = nodeKeys[ordinal]!;
    if (key < 0 || flags[key] !== 1) continue;
    const aggregate = byName.get(graph.className(ordinal));
    if (!aggregate) continue;
    aggregate.count -= 1;
    aggregate.selfSize -= graph.nodeSelfSize(ordinal);
  }
  return aggregates.filter((aggregate) => aggregate.count > 0);
}

/** 1 for keys at or under an agent edge; keys never change, so each is classified once. */
function agentKeyFlags(keys: StructureKeys, keyCount: number): Uint8Array {
  let known = agentKeysOf.get(keys);
  if (!known || known.flags.length < keyCount) {
    const flags = new Uint8Array(Math.max(keyCount, (known?.flags.length ?? 0) * 2));
    if (known) flags.set(known.flags);
    known = { flags, checked: known?.checked ?? 0 };
    agentKeysOf.set(keys, known);
  }
  const { flags } = known;
  // A key's parent is interned before it, so the parent is always classified first.
  for (let key = Math.max(known.checked, ROOT_KEY + 1); key < keyCount; key++) {
    const parent = keys.parentOf(key);
    if ((parent !== ROOT_KEY && flags[parent] === 1) || keys.segment(key).edge.startsWith(AGENT_PREFIX))
      flags[key] = 1;
  }
  known.checked = keyCount;
  return flags;
}
