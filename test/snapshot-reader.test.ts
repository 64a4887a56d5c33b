// The streaming reader against JSON.parse of the same real snapshots: every array and every
// string must be equal, on each Node.js version's format and at every chunk size.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { type HeapGraph, HeapSnapshotParser, readHeapSnapshot } from '../src/snapshot/index.js';
import { assertSameAsJson, type JsonSnapshot, readJsonSnapshot } from './helpers/json-graph.js';
import { realSnapshot } from './helpers/snapshots.js';

const versions = ['system', '22.14.0', '24.21.0', '26.10.0'];

function parseInChunks(bytes: Uint8Array, chunkSize: number): HeapGraph {
  const parser = new HeapSnapshotParser();
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    // A copy per chunk, as a stream would deliver: the parser keeps chunks holding strings.
    parser.write(bytes.slice(offset, offset + chunkSize));
  }
  return parser.end();
}

describe('reading real snapshots equals JSON.parse', () => {
  for (const version of versions) {
    test(`Node ${version}`, async () => {
      const file = realSnapshot(version);
      const graph = await readHeapSnapshot(file);
      assertSameAsJson(graph, readJsonSnapshot(file));
      assert.deepEqual(graph.warnings, []);
      assert.ok(graph.nodeCount > 1000);
    });
  }

  for (const version of ['system', '24.21.0']) {
    test(`Node ${version} with allocation tracking (trace data, samples, locations)`, async () => {
      const file = realSnapshot(version, 'small', { trackAllocations: true });
      const graph = await readHeapSnapshot(file);
      const json = readJsonSnapshot(file);
      assertSameAsJson(graph, json);
      assert.ok((graph.traceFunctionInfos ?? []).length > 0, 'trace function infos present');
      // trace_node_id is set for the few objects allocated while tracking: kept apart, not a column.
      const traced = json.snapshot.meta.node_fields.indexOf('trace_node_id');
      const nonZero = json.nodes.filter(
        (value, index) => index % json.snapshot.meta.node_fields.length === traced && value !== 0,
      );
      assert.ok(nonZero.length > 0, 'some objects carry a trace node id');
      // The in-process inspector's header count can be off: the data wins and the disagreement is said.
      const fields = json.snapshot.meta.trace_function_info_fields!.length;
      const actual = json.trace_function_infos!.length / fields;
      if (json.snapshot.trace_function_count !== actual) {
        assert.ok(graph.warnings.some((warning) => warning.includes('trace_function_count')));
      }
    });
  }

  test('node field layouts differ by version and are read from meta', async () => {
    const node20 = await readHeapSnapshot(realSnapshot('system'));
    const node24 = await readHeapSnapshot(realSnapshot('24.21.0'));
    assert.equal(node20.header.meta.node_fields.length, 7);
    assert.equal(node20.layout.fileNodeFieldCount, 7);
    assert.ok(node20.header.meta.node_fields.includes('trace_node_id'));
    assert.equal(node24.header.meta.node_fields.length, 6);
    assert.equal(node24.header.meta.node_fields.includes('trace_node_id'), false);
    // Stored: the nearly-all-zero trace_node_id and detachedness columns are left out.
    for (const graph of [node20, node24]) {
      assert.deepEqual(graph.layout.nodeFields, ['type', 'name', 'id', 'self_size', 'edge_count']);
      assert.equal(graph.layout.nodeTraceNodeIdOffset, -1);
      assert.equal(graph.layout.nodeDetachednessOffset, -1);
    }
    // Node 24 added `extra_native_bytes` to the header; Node 20 has none and reads as 0.
    assert.equal(typeof node24.header.extra_native_bytes, 'number');
    assert.equal(node24.extraNativeBytes, node24.header.extra_native_bytes);
    assert.equal('extra_native_bytes' in node20.header, false);
    assert.equal(node20.extraNativeBytes, 0);
  });
});

describe('chunk boundaries', () => {
  const file = realSnapshot('system');
  const bytes = readFileSync(file);
  const json = readJsonSnapshot(file);

  test('the fixture holds escapes, \\u escapes, lone surrogates and multi-byte UTF-8', () => {
    // (V8's writer drops characters outside the BMP, so there are no surrogate pairs to test.)
    assert.ok(json.strings.some((value) => value.includes('"') && value.includes('\\')));
    assert.ok(bytes.includes('\\u00E9') || bytes.includes('\\u00e9') || bytes.includes('\\u0001'));
    assert.ok(json.strings.some((value) => value.includes('中文')));
  });

  for (const chunkSize of [4 * 1024 * 1024, 65_521, 4093, 7]) {
    test(`${chunkSize}-byte chunks`, () => assertSameAsJson(parseInChunks(bytes, chunkSize), json));
  }

  test('1-byte chunks over the strings section (every escape and UTF-8 sequence split)', () => {
    const stringsStart = bytes.indexOf('"strings":');
    const parser = new HeapSnapshotParser();
    parser.write(bytes.subarray(0, stringsStart));
    for (let offset = stringsStart; offset < bytes.length; offset++)
      parser.write(bytes.slice(offset, offset + 1));
    assertSameAsJson(parser.end(), json);
  });

  test('1-byte chunks over the number sections', () => {
    const nodesStart = bytes.indexOf('"nodes":');
    const span = 200_000;
    const parser = new HeapSnapshotParser();
    parser.write(bytes.subarray(0, nodesStart));
    for (let offset = nodesStart; offset < nodesStart + span; offset++)
      parser.write(bytes.slice(offset, offset + 1));
    parser.write(bytes.subarray(nodesStart + span));
    assertSameAsJson(parser.end(), json);
  });

  test('string chunks, as the inspector delivers them', async () => {
    const text = bytes.toString('utf8');
    const parser = new HeapSnapshotParser();
    for (let offset = 0; offset < text.length; offset += 100_003)
      parser.write(text.slice(offset, offset + 100_003));
    assertSameAsJson(parser.end(), json);
  });
});

/** The smallest valid snapshot around the given strings and numbers. */
function syntheticSnapshot(extra: { strings?: string[]; nodes?: number[]; samples?: number[] } = {}) {
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
        node_types: [['hidden', 'object'], 'string', 'number', 'number', 'number'],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [['element', 'property'], 'string_or_number', 'node'],
        sample_fields: ['timestamp_us', 'last_assigned_id'],
      },
      node_count: 2,
      edge_count: 1,
    },
    nodes: extra.nodes ?? [0, 0, 1, 0, 1, 1, 1, 3, 16, 0],
    edges: [1, 1, 5],
    samples: extra.samples ?? [],
    strings: ['', 'name', ...(extra.strings ?? [])],
  };
}

describe('strings at every split point', () => {
  test('surrogate pairs (raw and escaped), lone surrogates, multi-byte UTF-8 and escapes', () => {
    const strings = [
      '😀 raw pair',
      '\ud83d\ude00',
      'lone \ud800 high',
      'lone \udc00 low',
      '中文 é',
      'q"b\\t\tn\n',
      '\u0001',
    ];
    // JSON.stringify writes the pair raw (4 UTF-8 bytes) and the lone surrogates as \u escapes.
    const text = JSON.stringify(syntheticSnapshot({ strings }));
    const bytes = Buffer.from(text);
    const expected = JSON.parse(text) as JsonSnapshot;
    for (let chunkSize = 1; chunkSize <= 17; chunkSize++)
      assertSameAsJson(parseInChunks(bytes, chunkSize), expected);
  });

  test('V8\'s `",\\n"` between strings and other separators, cut at every byte', () => {
    const strings = ['', 'a', 'esc \\ " \n', '😀', '', 'tail'];
    const json = JSON.stringify(syntheticSnapshot({ strings }));
    const array = json.slice(json.indexOf('"strings":[') + '"strings":'.length, -1);
    const items = JSON.parse(array) as string[];
    for (const separator of [',\n', ',', ' ,\n', ',\n\n', '\n,\n', ', ', ',\r\n']) {
      const text = json.replace(array, `[${items.map((item) => JSON.stringify(item)).join(separator)}]`);
      const bytes = Buffer.from(text);
      const expected = JSON.parse(text) as JsonSnapshot;
      for (let cut = 0; cut <= bytes.length; cut++) {
        const parser = new HeapSnapshotParser();
        parser.write(bytes.slice(0, cut));
        parser.write(bytes.slice(cut));
        assertSameAsJson(parser.end(), expected);
      }
    }
  });

  test('a comma too many or missing between strings: one error, wherever the input is cut', () => {
    const json = JSON.stringify(syntheticSnapshot({ strings: ['x', 'y'] }));
    for (const [strings, message] of [
      ['["","name",\n,"x"]', /unexpected ',' in "strings" at byte \d+/],
      ['["","name",\n"x",]', /trailing ',' in "strings" at byte \d+/],
      ['["","name"\n"x"]', /expected ',' or '\]' in "strings" at byte \d+/],
    ] as const) {
      const text = json.replace('["","name","x","y"]', strings);
      assert.notEqual(text, json);
      const bytes = Buffer.from(text);
      const errors = new Set<string>();
      for (let cut = 0; cut <= bytes.length; cut++) {
        const parser = new HeapSnapshotParser();
        try {
          parser.write(bytes.slice(0, cut));
          parser.write(bytes.slice(cut));
          parser.end();
          assert.fail(`accepted when cut at ${cut}`);
        } catch (error) {
          assert.match((error as Error).message, message);
          errors.add((error as Error).message);
        }
      }
      assert.equal(errors.size, 1, [...errors].join(' | '));
    }
  });
});

describe('whitespace in the number sections', () => {
  /** The snapshot's text with `samples` written as `arrayText`. */
  const withSamples = (arrayText: string) =>
    JSON.stringify(syntheticSnapshot({ samples: [424242] })).replace('[424242]', arrayText);
  const cutAt = (text: string, cut: number) => {
    const bytes = Buffer.from(text);
    const parser = new HeapSnapshotParser();
    parser.write(bytes.slice(0, cut));
    parser.write(bytes.slice(cut));
    return parser.end();
  };

  test("V8's row ends and other whitespace, split at every byte, equal JSON.parse", () => {
    for (const arrayText of [
      '[1,2,3\n,4,5,6\n,70000,8,9\n]',
      '[\n1\n,\n2 , 3\r\n,\t4\n\n,5\n ,4294967295\n,4294967296\n,7.5\n,1e3\n]',
      '[ ]',
      '[\n]',
      '[0\n]',
    ]) {
      const text = withSamples(arrayText);
      const expected = (JSON.parse(text) as { samples: number[] }).samples;
      for (let cut = 0; cut <= text.length; cut++) {
        assert.deepEqual(
          Array.from(cutAt(text, cut).samples!),
          expected,
          `${JSON.stringify(arrayText)} cut at ${cut}`,
        );
      }
    }
  });

  test('numbers run together or commas missing around a newline: one error, wherever the input is cut', () => {
    for (const [arrayText, message] of [
      ['[1,2\n3]', /unexpected '3' in the number array "samples" \(expected ',' or '\]'\) at byte \d+/],
      ['[1,2\n,\n,3]', /unexpected ',' in "samples" at byte \d+/],
      ['[1,2\n,]', /trailing ',' in "samples" at byte \d+/],
      ['[1,\n2\n\n,x]', /unexpected 'x' in the number array "samples" at byte \d+/],
    ] as const) {
      const text = withSamples(arrayText);
      assert.throws(() => JSON.parse(text));
      const errors = new Set<string>();
      for (let cut = 0; cut <= text.length; cut++) {
        assert.throws(() => cutAt(text, cut), message);
        try {
          cutAt(text, cut);
        } catch (error) {
          errors.add((error as Error).message);
        }
      }
      assert.equal(errors.size, 1, [...errors].join(' | '));
    }
  });
});

describe('numbers outside the fast path', () => {
  test('values past 32 bits, negative and fractional numbers are exact', () => {
    const snapshot = syntheticSnapshot({
      nodes: [0, 0, 1, 0, 1, 1, 1, 8_589_934_593, 12.5, 0],
      samples: [-3, 1e21, 0.25, 7],
    });
    const text = JSON.stringify(snapshot);
    for (const chunkSize of [1, 3, text.length]) {
      const graph = parseInChunks(Buffer.from(text), chunkSize);
      assert.deepEqual(Array.from(graph.nodes), snapshot.nodes);
      assert.deepEqual(Array.from(graph.samples!), snapshot.samples);
      assert.equal(graph.nodeId(1), 8_589_934_593);
    }
  });
});
