// The reference reading of a small snapshot: JSON.parse of the whole file. Tests compare the
// streaming reader against it, and use it to build graphs independently of the reader.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HeapGraph } from '../../src/snapshot/graph.js';
import type { RawSnapshotHeader } from '../../src/snapshot/meta.js';
import { ArrayStringTable } from '../../src/snapshot/strings.js';

export interface JsonSnapshot {
  snapshot: RawSnapshotHeader;
  nodes: number[];
  edges: number[];
  strings: string[];
  locations?: number[];
  samples?: number[];
  trace_function_infos?: number[];
  trace_tree?: unknown;
}

export function readJsonSnapshot(file: string): JsonSnapshot {
  return JSON.parse(readFileSync(file, 'utf8')) as JsonSnapshot;
}

export function graphFromJson(json: JsonSnapshot): HeapGraph {
  return new HeapGraph({
    header: json.snapshot,
    nodes: Float64Array.from(json.nodes),
    edges: Float64Array.from(json.edges),
    strings: new ArrayStringTable(json.strings),
  });
}

export function graphFromJsonFile(file: string): HeapGraph {
  return graphFromJson(readJsonSnapshot(file));
}

/** Every array and every string of the reader's graph equal to JSON.parse's. */
export function assertSameAsJson(graph: HeapGraph, json: JsonSnapshot): void {
  assert.deepEqual(graph.header, json.snapshot);
  assertSameNumbers(fileNodes(graph), json.nodes, 'nodes');
  assertSameNumbers(fileEdges(graph), json.edges, 'edges');
  assertSameNumbers(fileLocations(graph), json.locations ?? [], 'locations');
  assertSameNumbers(graph.samples ?? [], json.samples ?? [], 'samples');
  assertSameNumbers(graph.traceFunctionInfos ?? [], json.trace_function_infos ?? [], 'trace_function_infos');
  assert.deepEqual(graph.traceTree, json.trace_tree);
  assert.equal(graph.strings.count, json.strings.length, 'string count');
  for (let index = 0; index < json.strings.length; index++) {
    if (graph.strings.get(index) !== json.strings[index]) {
      assert.fail(
        `string ${index}: ${JSON.stringify(graph.strings.get(index))} != ${JSON.stringify(json.strings[index])}`,
      );
    }
  }
}

function assertSameNumbers(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  assert.equal(actual.length, expected.length, `${label} length`);
  for (let index = 0; index < expected.length; index++) {
    if (actual[index] !== expected[index])
      assert.fail(`${label}[${index}]: ${actual[index]} != ${expected[index]}`);
  }
}

/**
 * The graph's nodes as the file lays them out: the reader may store fewer node fields (a
 * column that is nearly all 0 is left out and read through the graph's accessors), so they are
 * compared through the layout.
 */
export function fileNodes(graph: HeapGraph): number[] {
  const fileFields = graph.header.meta.node_fields;
  const offsets = fileFields.map((field) => graph.layout.nodeFields.indexOf(field));
  const leftOut: Record<string, (ordinal: number) => number> = {
    trace_node_id: (ordinal) => graph.nodeTraceNodeId(ordinal),
    detachedness: (ordinal) => graph.nodeDetachedness(ordinal),
  };
  const values: number[] = [];
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    const row = ordinal * graph.layout.nodeFieldCount;
    fileFields.forEach((field, column) => {
      const offset = offsets[column]!;
      values.push(offset >= 0 ? graph.nodes[row + offset]! : leftOut[field]!(ordinal));
    });
  }
  return values;
}

/** A stored index into `nodes` as the file's index (which counts every file node field). */
function fileNodeIndex(graph: HeapGraph, stored: number): number {
  return (stored / graph.layout.nodeFieldCount) * graph.layout.fileNodeFieldCount;
}

export function fileEdges(graph: HeapGraph): number[] {
  const { edgeFieldCount, edgeToNodeOffset } = graph.layout;
  return Array.from(graph.edges, (value, index) =>
    index % edgeFieldCount === edgeToNodeOffset ? fileNodeIndex(graph, value) : value,
  );
}

function fileLocations(graph: HeapGraph): number[] {
  const { locationFieldCount, locationObjectIndexOffset } = graph.layout;
  return Array.from(graph.locations ?? [], (value, index) =>
    index % locationFieldCount === locationObjectIndexOffset ? fileNodeIndex(graph, value) : value,
  );
}
