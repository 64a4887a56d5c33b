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
  assertSameNumbers(graph.nodes, json.nodes, 'nodes');
  assertSameNumbers(graph.edges, json.edges, 'edges');
  assertSameNumbers(graph.locations ?? [], json.locations ?? [], 'locations');
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
