// The reference reading of a small snapshot: JSON.parse of the whole file. Tests compare the
// streaming reader against it, and use it to build graphs independently of the reader.

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
