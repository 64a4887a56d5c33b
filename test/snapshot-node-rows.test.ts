// The reader stores nodes without the columns that are nearly all zero (trace_node_id,
// detachedness): their few non-zero values are kept apart, a column with many comes back
// into the rows, mid-stream or not, and every value still reads as JSON.parse reads it.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  type HeapGraph,
  HeapSnapshotParser,
  type ReadPlan,
  readHeapSnapshot,
} from '../src/snapshot/index.js';
import { assertSameAsJson, fileNodes, type JsonSnapshot } from './helpers/json-graph.js';

const NODE_FIELDS = ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'];

/** A chain of `count` nodes (each one edge to the next), with the optional columns given per ordinal. */
function chainSnapshot(
  count: number,
  traceNodeId: (ordinal: number) => number,
  detachedness: (ordinal: number) => number,
) {
  const nodes: number[] = [];
  const edges: number[] = [];
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const last = ordinal === count - 1;
    nodes.push(
      1,
      1,
      ordinal * 2 + 1,
      16 + ordinal,
      last ? 0 : 1,
      traceNodeId(ordinal),
      detachedness(ordinal),
    );
    if (!last) edges.push(1, 1, (ordinal + 1) * NODE_FIELDS.length);
  }
  return {
    snapshot: {
      meta: {
        node_fields: NODE_FIELDS,
        node_types: [
          ['hidden', 'object', 'native'],
          'string',
          'number',
          'number',
          'number',
          'number',
          'number',
        ],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [['element', 'property'], 'string_or_number', 'node'],
        location_fields: ['object_index', 'script_id', 'line', 'column'],
      },
      node_count: count,
      edge_count: count - 1,
    },
    nodes,
    edges,
    locations: [7, 1, 2, 3, (count - 1) * NODE_FIELDS.length, 4, 5, 6],
    strings: ['', 'next'],
  };
}

function parseInChunks(text: string, chunkSize: number): HeapGraph {
  const bytes = Buffer.from(text);
  const parser = new HeapSnapshotParser();
  for (let offset = 0; offset < bytes.length; offset += chunkSize)
    parser.write(bytes.slice(offset, offset + chunkSize));
  return parser.end();
}

function readBothWays(snapshot: ReturnType<typeof chainSnapshot>, chunkSizes: number[]): HeapGraph[] {
  const text = JSON.stringify(snapshot);
  const json = JSON.parse(text) as JsonSnapshot;
  return chunkSizes.map((chunkSize) => {
    const graph = parseInChunks(text, chunkSize);
    assertSameAsJson(graph, json);
    for (let ordinal = 0; ordinal < graph.nodeCount - 1; ordinal++)
      assert.equal(graph.edgeTarget(ordinal), ordinal + 1);
    return graph;
  });
}

describe('nodes stored without nearly-all-zero columns', () => {
  test('all zero: both columns left out, edges and locations point into the narrower rows', () => {
    for (const graph of readBothWays(
      chainSnapshot(
        10_000,
        () => 0,
        () => 0,
      ),
      [1 << 20, 4093, 97],
    )) {
      assert.deepEqual(graph.layout.nodeFields, NODE_FIELDS.slice(0, 5));
      assert.equal(graph.nodes.length, 10_000 * 5);
      assert.equal(graph.edgeTargetIndex(0), 5);
      assert.equal(graph.locations![4], 9_999 * 5);
    }
  });

  test('a few detached nodes and traced objects: read back through the accessors', () => {
    const detached = (ordinal: number) => (ordinal % 1000 === 3 ? 2 : ordinal % 1000 === 4 ? 1 : 0);
    const traced = (ordinal: number) => (ordinal % 997 === 0 ? ordinal + 5 : 0);
    for (const graph of readBothWays(chainSnapshot(10_000, traced, detached), [1 << 20, 4093])) {
      assert.deepEqual(graph.layout.nodeFields, NODE_FIELDS.slice(0, 5));
      assert.equal(graph.nodeDetachedness(2003), 2);
      assert.equal(graph.nodeDetachedness(2004), 1);
      assert.equal(graph.nodeDetachedness(2005), 0);
      assert.equal(graph.nodeTraceNodeId(997), 1002);
      assert.equal(graph.nodeTraceNodeId(998), 0);
    }
  });

  test('allocation tracking on every object: trace_node_id keeps its column, also when that shows mid-stream', () => {
    // The first 5,000 rows have few trace ids; from there on every row has one, so the column
    // is brought back after its first values were kept apart.
    const traced = (ordinal: number) =>
      ordinal < 5_000 ? (ordinal % 100 === 0 ? ordinal + 1 : 0) : ordinal + 1;
    for (const graph of readBothWays(
      chainSnapshot(30_000, traced, () => 0),
      [1 << 20, 65_521, 4093],
    )) {
      assert.deepEqual(graph.layout.nodeFields, NODE_FIELDS.slice(0, 6));
      assert.equal(graph.layout.nodeTraceNodeIdOffset, 5);
      assert.equal(graph.nodeTraceNodeId(100), 101);
      assert.equal(graph.nodeTraceNodeId(101), 0);
      assert.equal(graph.nodeTraceNodeId(29_999), 30_000);
      assert.deepEqual(fileNodes(graph).slice(-7), [1, 1, 59_999, 30_015, 0, 30_000, 0]);
    }
  });

  test('values past 32 bits, in a stored column and in a left-out one', () => {
    const snapshot = chainSnapshot(
      10,
      (ordinal) => (ordinal === 5 ? 2 ** 40 : 0),
      () => 0,
    );
    snapshot.nodes[3] = 8_589_934_593;
    for (const graph of readBothWays(snapshot, [1 << 20, 3])) {
      assert.equal(graph.nodeSelfSize(0), 8_589_934_593);
      assert.equal(graph.nodeTraceNodeId(5), 2 ** 40);
    }
  });

  test('on two threads: the worker turns the edge targets for 5 stored fields; rows kept wider are turned again', async () => {
    // The worker checks the edges against the rows node-rows.ts starts with (5 fields); here
    // `trace_node_id` comes back into the rows only after the worker began.
    const directory = mkdtempSync(join(tmpdir(), 'heapdrift-node-rows-'));
    const traced = (ordinal: number) => (ordinal < 5_000 ? 0 : ordinal + 1);
    for (const [label, snapshot, storedFields] of [
      [
        'narrow',
        chainSnapshot(
          30_000,
          () => 0,
          () => 0,
        ),
        5,
      ],
      ['wide', chainSnapshot(30_000, traced, () => 0), 6],
    ] as const) {
      const file = join(directory, `${label}.heapsnapshot`);
      writeFileSync(file, JSON.stringify(snapshot));
      let plan: ReadPlan | undefined;
      const graph = await readHeapSnapshot(file, {
        threads: 2,
        chunkSize: 4093,
        onPlan: (chosen) => (plan = chosen),
      });
      assert.deepEqual(plan, { threads: 2, reason: 'the edges were parsed by a second thread' });
      assert.equal(graph.layout.nodeFieldCount, storedFields);
      assertSameAsJson(graph, JSON.parse(JSON.stringify(snapshot)) as JsonSnapshot);
      for (let ordinal = 0; ordinal < graph.nodeCount - 1; ordinal++)
        assert.equal(graph.edgeTarget(ordinal), ordinal + 1);
    }
  });

  test("a row cut short is reported against the file's node fields", () => {
    const snapshot = chainSnapshot(
      3,
      () => 0,
      () => 0,
    );
    snapshot.nodes.pop();
    assert.throws(
      () => parseInChunks(JSON.stringify(snapshot), 1 << 20),
      /nodes array length 20 is not a multiple of the 7 node fields/,
    );
  });
});
