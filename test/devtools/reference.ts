// Chrome DevTools as an independent reference for heapdrift's analyses: loads a snapshot file
// with DevTools' own parser and worker code (bundled on demand by
// scripts/build-devtools-harness.mjs) and exposes the numbers DevTools computed.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HeapGraph } from '../../src/snapshot/graph.js';

/** The repository root, from dist/test/devtools/ or test/devtools/. */
const repository = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url),
);

/** What the tests read of DevTools' JSHeapSnapshot (its fields are public in JS). */
export interface DevToolsSnapshot {
  nodeCount: number;
  nodes: { getValue(index: number): number };
  dominatorsTree: Uint32Array;
  retainedSizes: Float64Array;
  nodeDistances: Int32Array;
  getAggregatesByClassKey(
    sortedIndexes: boolean,
    key?: string,
  ): Record<string, { name: string; count: number; self: number; maxRet: number; distance: number }>;
}

export interface DevToolsReference {
  snapshot: DevToolsSnapshot;
  /** Problems DevTools reported while loading (e.g. nodes unreachable from the root). */
  problems: string[];
}

interface HarnessModule {
  loadDevToolsSnapshot(text: string, options?: { withInterfaces?: boolean }): Promise<DevToolsReference>;
}

let harness: Promise<HarnessModule> | undefined;

async function loadHarness(): Promise<HarnessModule> {
  const buildScript = pathToFileURL(join(repository, 'scripts', 'build-devtools-harness.mjs')).href;
  const builder = (await import(buildScript)) as { buildDevToolsHarness(): Promise<string> };
  const bundle = await builder.buildDevToolsHarness();
  return (await import(pathToFileURL(bundle).href)) as HarnessModule;
}

/** Loads `file` in DevTools (plain objects classed by constructor name, not by `{a, b}` interface). */
export async function devToolsReference(file: string): Promise<DevToolsReference> {
  harness ??= loadHarness();
  return (await harness).loadDevToolsSnapshot(withTrueTraceFunctionCount(readFileSync(file, 'utf8')));
}

/**
 * V8 (seen on Node 20) can write a `trace_function_count` smaller than the trace function
 * infos it then writes; DevTools sizes its array from the header and crashes on the rest.
 * heapdrift does not use the count, so the reference gets the true one.
 */
function withTrueTraceFunctionCount(text: string): string {
  if (!text.includes('"trace_function_count"')) return text;
  const json = JSON.parse(text) as {
    snapshot: { trace_function_count?: number; meta: { trace_function_info_fields?: string[] } };
    trace_function_infos?: number[];
  };
  const fieldCount = json.snapshot.meta.trace_function_info_fields?.length ?? 0;
  const infos = json.trace_function_infos?.length ?? 0;
  if (fieldCount === 0 || json.snapshot.trace_function_count === infos / fieldCount) return text;
  json.snapshot.trace_function_count = infos / fieldCount;
  return JSON.stringify(json);
}

/** DevTools' self size of a node: after its shallow-size transfer (see devToolsShallowSizes). */
export function devToolsSelfSize(graph: HeapGraph, snapshot: DevToolsSnapshot, ordinal: number): number {
  return snapshot.nodes.getValue(ordinal * graph.layout.nodeFieldCount + graph.layout.nodeSelfSizeOffset);
}

/**
 * DevTools' class key for a node (HeapSnapshot.ts `classKeyInternal` + `#classKeyFromClassKey`):
 * `scriptId,line,column,Name` for objects that have an allocation location, `,Name` otherwise,
 * with DevTools' names (`Function` for closures, `RegExp` for regexps, `<div>` for `<div id=…>`).
 */
export function devToolsClassKeys(
  graph: HeapGraph,
  locations: ArrayLike<number> | undefined = graph.locations,
): (ordinal: number) => string {
  const locationByOrdinal = locationKeys(graph, locations);
  const detached = detachedNativeNodes(graph);
  const { objectNode, closureNode, nativeNode } = graph.types;
  const regexpNode = graph.layout.nodeTypes.indexOf('regexp');
  return (ordinal) => {
    const type = graph.nodeType(ordinal);
    let name = graph.className(ordinal);
    if (type === closureNode) name = 'Function';
    else if (type === regexpNode) name = 'RegExp';
    else if ((type === objectNode || type === nativeNode) && name.startsWith('<')) {
      const space = name.indexOf(' ');
      if (space !== -1) name = `${name.slice(0, space)}>`;
    }
    if (detached[ordinal] === 1) name = `Detached ${name}`;
    const location = type === objectNode ? locationByOrdinal.get(ordinal) : undefined;
    return location === undefined ? `,${name}` : `${location},${name}`;
  };
}

const attachedState = 1;
const detachedState = 2;

/**
 * Native nodes DevTools renames `Detached <name>` (HeapSnapshot.ts `propagateDOMState`): those
 * the snapshot marks detached, and native nodes reached from them through native nodes
 * (no hidden or weak edges) that nothing attached reaches first.
 */
function detachedNativeNodes(graph: HeapGraph): Uint8Array {
  const state = new Uint8Array(graph.nodeCount);
  if (!graph.header.meta.node_fields.includes('detachedness')) return state;
  const visited = new Uint8Array(graph.nodeCount);
  const attached: number[] = [];
  const detached: number[] = [];
  const { nativeNode, hiddenEdge, weakEdge } = graph.types;
  const visit = (ordinal: number, newState: number): void => {
    if (visited[ordinal]) return;
    visited[ordinal] = 1;
    if (graph.nodeType(ordinal) !== nativeNode) return;
    state[ordinal] = newState;
    if (newState === attachedState) attached.push(ordinal);
    else if (newState === detachedState) detached.push(ordinal);
  };
  const propagate = (ordinal: number, newState: number): void => {
    for (let edge = graph.firstEdge(ordinal); edge < graph.edgeEnd(ordinal); edge++) {
      const type = graph.edgeType(edge);
      if (type !== hiddenEdge && type !== weakEdge) visit(graph.edgeTarget(edge), newState);
    }
  };
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    const known = graph.nodeDetachedness(ordinal);
    if (known !== 0) visit(ordinal, known);
  }
  while (attached.length > 0) propagate(attached.pop()!, attachedState);
  while (detached.length > 0) {
    const ordinal = detached.pop()!;
    if (state[ordinal] !== attachedState) propagate(ordinal, detachedState);
  }
  const result = new Uint8Array(graph.nodeCount);
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++)
    result[ordinal] = state[ordinal] === detachedState ? 1 : 0;
  return result;
}

function locationKeys(graph: HeapGraph, locations: ArrayLike<number> | undefined): Map<number, string> {
  const keys = new Map<number, string>();
  const fields = graph.header.meta.location_fields ?? [];
  if (!locations || fields.length === 0) return keys;
  const objectIndex = fields.indexOf('object_index');
  const scriptId = fields.indexOf('script_id');
  const line = fields.indexOf('line');
  const column = fields.indexOf('column');
  for (let index = 0; index < locations.length; index += fields.length) {
    const ordinal = locations[index + objectIndex]! / graph.layout.nodeFieldCount;
    keys.set(
      ordinal,
      `${locations[index + scriptId]},${locations[index + line]},${locations[index + column]}`,
    );
  }
  return keys;
}
