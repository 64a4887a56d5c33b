// The two-thread read (a worker parses `edges` while the main thread parses the rest) against
// JSON.parse on real snapshots: split at every byte around the section's boundaries, with
// worker chunk sizes that land reads anywhere, and each way the split can fall back to one
// thread (one core, wrong header counts, bad data) giving what a one-thread read gives.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  HeapSnapshotParser,
  planRead,
  type ReadOptions,
  type ReadPlan,
  readHeapSnapshot,
} from '../src/snapshot/index.js';
import { assertSameAsJson, readJsonSnapshot } from './helpers/json-graph.js';
import { realSnapshot } from './helpers/snapshots.js';

const workDir = mkdtempSync(join(tmpdir(), 'heapdrift-edges-split-'));

async function readTwoThreads(file: string, options: ReadOptions = {}) {
  let plan: ReadPlan | undefined;
  const graph = await readHeapSnapshot(file, { threads: 2, ...options, onPlan: (chosen) => (plan = chosen) });
  return { graph, plan: plan! };
}

async function readError(file: string, options: ReadOptions): Promise<string> {
  try {
    await readHeapSnapshot(file, options);
  } catch (error) {
    return (error as Error).message;
  }
  return assert.fail('the input was accepted');
}

/** The byte offsets of the edges array's '[' and ']' in a V8-written file. */
function edgesBounds(bytes: Buffer): { open: number; close: number } {
  const open = bytes.indexOf('"edges":[') + '"edges":'.length;
  return { open, close: bytes.indexOf(']', open) };
}

describe('two-thread read equals JSON.parse', () => {
  for (const version of ['system', '22.14.0', '24.21.0', '26.10.0']) {
    test(`Node ${version}`, async () => {
      const file = realSnapshot(version);
      const { graph, plan } = await readTwoThreads(file);
      assert.deepEqual(plan, { threads: 2, reason: 'the edges were parsed by a second thread' });
      assertSameAsJson(graph, readJsonSnapshot(file));
      assert.deepEqual(graph.warnings, []);
    });
  }

  test('with allocation tracking (sections after the edges: trace data, samples, locations)', async () => {
    const file = realSnapshot('system', 'small', { trackAllocations: true });
    const { graph, plan } = await readTwoThreads(file);
    assert.equal(plan.threads, 2);
    assertSameAsJson(graph, readJsonSnapshot(file));
  });

  for (const chunkSize of [1009, 4093, 65_521]) {
    test(`${chunkSize}-byte reads on both threads`, async () => {
      const file = realSnapshot('24.21.0');
      const { graph, plan } = await readTwoThreads(file, { chunkSize });
      assert.equal(plan.threads, 2);
      assertSameAsJson(graph, readJsonSnapshot(file));
    });
  }
});

describe('the main thread skips the deferred section at every split point', () => {
  const file = realSnapshot('system');
  const bytes = readFileSync(file);
  const json = readJsonSnapshot(file);
  const { open, close } = edgesBounds(bytes);

  /** Writes `bytes` cut at `cuts`, jumping over the skipped section as the file reader does. */
  function parseCut(cuts: number[]) {
    const parser = new HeapSnapshotParser();
    assert.equal(parser.deferSection('edges', open, close), true);
    let position = 0;
    for (const cut of [...cuts, bytes.length]) {
      if (cut <= position) continue;
      parser.write(bytes.slice(position, cut));
      position = cut;
      if (parser.resumeOffset !== undefined) {
        position = parser.resumeOffset;
        parser.resume();
      }
    }
    assert.equal(parser.skippedDeferredSection, true);
    parser.provideSection('edges', Uint32Array.from(json.edges));
    return parser.end();
  }

  for (const [label, boundary] of [
    ["'['", open],
    ["']'", close],
  ] as const) {
    test(`cuts at every byte from 12 before to 12 after the ${label}`, () => {
      for (let cut = boundary - 12; cut <= boundary + 12; cut++) assertSameAsJson(parseCut([cut]), json);
    });
  }

  test('1-byte chunks across both boundaries', () => {
    const cuts: number[] = [];
    for (let cut = open - 20; cut <= open + 20; cut++) cuts.push(cut);
    for (let cut = close - 20; cut <= close + 20; cut++) cuts.push(cut);
    assertSameAsJson(parseCut(cuts), json);
  });

  test('a section offered after the parser passed it is refused', () => {
    const parser = new HeapSnapshotParser();
    parser.write(bytes.subarray(0, open + 1));
    assert.equal(parser.deferSection('edges', open, close), false);
    parser.write(bytes.subarray(open + 1));
    assertSameAsJson(parser.end(), json);
  });
});

describe('falling back to one thread', () => {
  const file = realSnapshot('24.21.0');
  const bytes = readFileSync(file);
  const json = readJsonSnapshot(file);
  const { open, close } = edgesBounds(bytes);
  let counter = 0;
  const write = (content: Buffer | string) => {
    const path = join(workDir, `case-${counter++}.heapsnapshot`);
    writeFileSync(path, content);
    return path;
  };
  const withHeader = (from: string, to: string) => {
    const text = bytes.toString('latin1');
    assert.ok(text.includes(from));
    return write(Buffer.from(text.replace(from, to), 'latin1'));
  };

  test('one core: planRead and the reader choose one thread', (t) => {
    const taskset = spawnSync('taskset', ['-c', '0', 'true']);
    if (taskset.error || taskset.status !== 0) {
      t.skip('taskset is not available on this machine');
      return;
    }
    const snapshotModule = fileURLToPath(new URL('../src/snapshot/index.js', import.meta.url));
    const script = `
      const { planRead, readHeapSnapshot } = await import(${JSON.stringify(snapshotModule)});
      let plan;
      const graph = await readHeapSnapshot(${JSON.stringify(file)}, { splitMinBytes: 0, onPlan: (p) => (plan = p) });
      console.log(JSON.stringify({ auto: planRead(1e12), plan, nodes: graph.nodeCount }));`;
    const child = spawnSync('taskset', ['-c', '0', process.execPath, '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.equal(child.status, 0, child.stderr);
    const result = JSON.parse(child.stdout) as { auto: ReadPlan; plan: ReadPlan; nodes: number };
    assert.deepEqual(result.auto, { threads: 1, reason: '1 core available' });
    assert.deepEqual(result.plan, { threads: 1, reason: '1 core available' });
    assert.equal(result.nodes, json.nodes.length / json.snapshot.meta.node_fields.length);
  });

  test('small files stay on one thread unless asked', () => {
    assert.equal(planRead(1024, 'auto', 4096).threads, 1);
    assert.equal(planRead(1024, 2, 4096).threads, 2);
    assert.equal(planRead(1e12, 1).threads, 1);
  });

  test('a header with more edges than the data: read again on one thread, same graph and warning', async () => {
    // Enough edges that the worker's search for the edges' ']' starts past the real one (a
    // value takes at least 2 bytes): its parse then ends elsewhere than it found.
    const edgeCount = json.snapshot.edge_count!;
    const claimed = Math.ceil((close - open) / 6) + 1;
    assert.ok(claimed > edgeCount);
    const path = withHeader(`"edge_count":${edgeCount}`, `"edge_count":${claimed}`);
    const { graph, plan } = await readTwoThreads(path);
    assert.equal(plan.threads, 1);
    assert.match(plan.reason, /^read again on one thread: "edges" ended at byte \d+, not \d+$/);
    const oneThread = await readHeapSnapshot(path, { threads: 1 });
    assert.deepEqual(graph.warnings, oneThread.warnings);
    assert.match(graph.warnings.join(), /edge_count/);
    assertSameAsJson(graph, { ...json, snapshot: { ...json.snapshot, edge_count: claimed } });
  });

  test('a header without counts: one thread, and the reason says so', async () => {
    const nodeCount = json.snapshot.node_count!;
    const path = withHeader(`"node_count":${nodeCount},`, '');
    const { graph, plan } = await readTwoThreads(path);
    assert.deepEqual(plan, { threads: 1, reason: 'no node/edge counts in the header' });
    assert.equal(graph.edgeCount, json.edges.length / json.snapshot.meta.edge_fields.length);
  });

  test('bad bytes in the edges, and after them: the same error as one thread', async () => {
    const inEdges = Buffer.from(bytes);
    inEdges[open + Math.floor((close - open) / 2)] = 'x'.charCodeAt(0);
    const afterEdges = Buffer.from(inEdges);
    afterEdges[bytes.indexOf('"strings":[') + 11] = '}'.charCodeAt(0);
    for (const content of [inEdges, afterEdges]) {
      const path = write(content);
      const expected = await readError(path, { threads: 1 });
      assert.match(expected, /in the number array "edges"/);
      assert.equal(await readError(path, { threads: 2 }), expected);
    }
    const onlyAfter = Buffer.from(bytes);
    onlyAfter[bytes.indexOf('"strings":[') + 11] = '}'.charCodeAt(0);
    const path = write(onlyAfter);
    const expected = await readError(path, { threads: 1 });
    assert.match(expected, /strings/);
    assert.equal(await readError(path, { threads: 2 }), expected);
  });

  test('graph errors found while the worker parses (nodes) or checks the edges: the same as one thread', async () => {
    const { node_fields: nodeFields, edge_fields: edgeFields, edge_types: edgeTypes } = json.snapshot.meta;
    const fieldCount = nodeFields.length;
    const edgeFieldCount = edgeFields.length;
    const toNode = edgeFields.indexOf('to_node');
    const typeOffset = edgeFields.indexOf('type');
    const nameOffset = edgeFields.indexOf('name_or_index');
    const typeNames = edgeTypes[typeOffset] as string[];
    const edgeCount = json.edges.length / edgeFieldCount;
    const middle = Math.floor(edgeCount / 2);
    const lastTarget = (edgeCount - 1) * edgeFieldCount + toNode;
    const named = (from: number) => {
      for (let edge = from; edge < edgeCount; edge++) {
        const type = typeNames[json.edges[edge * edgeFieldCount + typeOffset]!];
        if (type !== 'element' && type !== 'hidden') return edge;
      }
      return assert.fail('no named edge');
    };
    const edited = (edit: (copy: typeof json) => void) => {
      const copy = structuredClone(json);
      edit(copy);
      return copy;
    };
    const namedEdge = named(middle);
    const cases = [
      [
        edited((copy) => {
          copy.nodes[fieldCount + nodeFields.indexOf('name')] = json.strings.length + 5;
        }),
        /node 1 names string \d+, past the \d+ strings/,
      ],
      [
        edited((copy) => {
          copy.edges[toNode] = fieldCount * 3 + 1;
        }),
        /edge 0 points to nodes\[\d+\], which is not a node/,
      ],
      [
        edited((copy) => {
          copy.edges[lastTarget] = json.nodes.length;
        }),
        new RegExp(`edge ${edgeCount - 1} points to nodes\\[${json.nodes.length}\\], which is not a node`),
      ],
      [
        // Read as a Float64Array by the worker (a fraction), still found at that edge.
        edited((copy) => {
          copy.edges[middle * edgeFieldCount + toNode] = 1.5;
        }),
        new RegExp(`edge ${middle} points to nodes\\[1.5\\], which is not a node`),
      ],
      [
        edited((copy) => {
          copy.edges[middle * edgeFieldCount + typeOffset] = typeNames.length;
        }),
        new RegExp(`edge ${middle} has unknown type ${typeNames.length}`),
      ],
      [
        // The worker cannot know the string count: the largest one its edges name is compared after.
        edited((copy) => {
          copy.edges[namedEdge * edgeFieldCount + nameOffset] = json.strings.length + 1;
        }),
        new RegExp(
          `edge ${namedEdge} names string ${json.strings.length + 1}, past the ${json.strings.length} strings`,
        ),
      ],
      [
        // The worker checks targets against the header's node count, one too many here.
        edited((copy) => {
          copy.snapshot.node_count = json.snapshot.node_count! + 1;
          copy.edges[lastTarget] = json.nodes.length;
        }),
        new RegExp(`edge ${edgeCount - 1} points to nodes\\[${json.nodes.length}\\], which is not a node`),
      ],
      [
        // The worker cannot know the string count: a later bad target must not hide this.
        edited((copy) => {
          copy.edges[namedEdge * edgeFieldCount + nameOffset] = json.strings.length;
          copy.edges[lastTarget] = -fieldCount;
        }),
        new RegExp(
          `edge ${namedEdge} names string ${json.strings.length}, past the ${json.strings.length} strings`,
        ),
      ],
    ] as const;
    for (const [snapshot, message] of cases) {
      // The same layout as V8's, so the worker finds the edges where it looks for them.
      const path = write(Buffer.from(JSON.stringify(snapshot)));
      const expected = await readError(path, { threads: 1 });
      assert.match(expected, message);
      assert.equal(await readError(path, { threads: 2 }), expected);
    }
  });

  test("a header with one node fewer than the data: the worker's edge checks are redone, same graph", async () => {
    // The worker checks targets against the header's node count; an edge to the last node
    // stops its checks, and the main thread checks the edges itself against the real count.
    const nodeCount = json.snapshot.node_count!;
    const edgeFields = json.snapshot.meta.edge_fields;
    const fieldCount = json.snapshot.meta.node_fields.length;
    const lastNodeEdges = [];
    for (let index = edgeFields.indexOf('to_node'); index < json.edges.length; index += edgeFields.length) {
      if (json.edges[index] === (nodeCount - 1) * fieldCount) lastNodeEdges.push(index);
    }
    const copy = structuredClone(json);
    copy.snapshot.node_count = nodeCount - 1;
    if (lastNodeEdges.length === 0)
      copy.edges[json.edges.length - edgeFields.length + edgeFields.indexOf('to_node')] =
        (nodeCount - 1) * fieldCount;
    const path = write(Buffer.from(JSON.stringify(copy)));
    const { graph, plan } = await readTwoThreads(path);
    assert.deepEqual(plan, { threads: 2, reason: 'the edges were parsed by a second thread' });
    const oneThread = await readHeapSnapshot(path, { threads: 1 });
    assert.deepEqual(graph.warnings, oneThread.warnings);
    assert.match(graph.warnings.join(), /node_count/);
    assertSameAsJson(graph, copy);
  });
});
