// Path queries on real snapshots: a retained_maps reproducer run on Node 22.14.0 (the leaking
// release) must show `NativeContext > retained_maps` as the WeakArrayList that JSON.parse of the
// same file finds; wildcards and qualifiers are checked against brute-force walks of the raw arrays.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeDistances } from '../src/analysis/distances.js';
import { PathPatternError, parsePathPattern } from '../src/analysis/path-pattern.js';
import { findPatternMatches, queryGraph } from '../src/analysis/query.js';
import { formatRetainerPath } from '../src/analysis/retainers.js';
import { graphFromJson, type JsonSnapshot, readJsonSnapshot } from './helpers/json-graph.js';
import { realSnapshot, snapshotOfProgram } from './helpers/snapshots.js';

/**
 * The upstream reproducer's shape (DESIGN.md): constructors built in a loop, instances in a
 * WeakSet, gc() every step, each pass in a fresh copy of the loop function so optimized code
 * keeps embedding new maps. Runs ~3 s, then writes one snapshot.
 */
const retainedMapsProgram = `
  const weakInstances = new WeakSet();
  globalThis.__weakInstances = weakInstances;
  const deadline = Date.now() + 3000;
  for (let pass = 0; Date.now() < deadline; pass++) {
    const loop = new Function('weakInstances', 'collect', \`/* copy \${pass} */
      let result = 0;
      for (let step = 0; step < 100; step++) {
        function A() { this.a = step; this.b = 'b'; }
        function B() { this.a = step; this.c = 'c'; }
        weakInstances.add(new A());
        weakInstances.add(new B());
        let x = step;
        for (let k = 0; k < 300; k++) x = (x * 31 + k) | 0;
        result ^= x;
        collect();
      }
      return result;\`);
    globalThis.__sink = loop(weakInstances, gc);
  }
`;

/** Field access on the raw JSON arrays, positions from meta: independent of HeapGraph. */
function rawView(json: JsonSnapshot) {
  const meta = json.snapshot.meta;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const field = (name: string) => meta.node_fields.indexOf(name);
  const edgeField = (name: string) => meta.edge_fields.indexOf(name);
  const nodeTypes = (meta.node_types[field('type')] as string[]).slice();
  const edgeTypes = (meta.edge_types[edgeField('type')] as string[]).slice();
  const nodeCount = json.nodes.length / nodeFields;
  const firstEdge: number[] = [];
  let edgeCursor = 0;
  for (let node = 0; node < nodeCount; node++) {
    firstEdge.push(edgeCursor);
    edgeCursor += json.nodes[node * nodeFields + field('edge_count')]!;
  }
  firstEdge.push(edgeCursor);
  const node = (ordinal: number) => ({
    type: nodeTypes[json.nodes[ordinal * nodeFields + field('type')]!]!,
    name: json.strings[json.nodes[ordinal * nodeFields + field('name')]!]!,
    id: json.nodes[ordinal * nodeFields + field('id')]!,
    selfSize: json.nodes[ordinal * nodeFields + field('self_size')]!,
    edgeCount: json.nodes[ordinal * nodeFields + field('edge_count')]!,
  });
  const edges = function* (ordinal: number) {
    for (let edge = firstEdge[ordinal]!; edge < firstEdge[ordinal + 1]!; edge++) {
      const type = edgeTypes[json.edges[edge * edgeFields + edgeField('type')]!]!;
      const nameOrIndex = json.edges[edge * edgeFields + edgeField('name_or_index')]!;
      const name = type === 'element' || type === 'hidden' ? String(nameOrIndex) : json.strings[nameOrIndex]!;
      yield { type, name, target: json.edges[edge * edgeFields + edgeField('to_node')]! / nodeFields };
    }
  };
  return { nodeCount, node, edges };
}

describe('path queries on a retained_maps reproducer (Node 22.14.0)', () => {
  const file = snapshotOfProgram('query-retained-maps', '22.14.0', retainedMapsProgram);
  const json = readJsonSnapshot(file);
  const graph = graphFromJson(json);
  const raw = rawView(json);
  const distances = computeDistances(graph);

  const expected = retainedMapsTargets(raw);

  it('finds NativeContext > retained_maps: the system / WeakArrayList, with the file’s sizes', () => {
    assert.ok(expected.size >= 1, 'the snapshot has a retained_maps edge');
    const result = queryGraph(graph, 'NativeContext > retained_maps', { distances });
    assert.equal(result.matchCount, expected.size);
    for (const match of result.matches) {
      const reference = expected.get(match.id);
      assert.ok(reference, `match @${match.id} is a retained_maps target`);
      assert.equal(match.className, '(system)');
      assert.equal(match.name, 'system / WeakArrayList');
      assert.equal(match.selfSize, reference.selfSize);
      assert.equal(match.edgeCount, reference.edgeCount);
      assert.equal(match.entryCount, reference.entries);
      assert.ok(match.entryCount < match.edgeCount, 'the list also has its map edge');
      // The retainer path ends with the NativeContext and the retained_maps edge to the match.
      assert.ok(match.path && match.path.length >= 2);
      const last = match.path.at(-1)!;
      assert.deepEqual(last.edge, { name: 'retained_maps', type: 'internal' });
      assert.equal(last.node.id, match.id);
      assert.equal(match.path.at(-2)!.node.name, 'system / NativeContext');
      assert.equal(match.distance, match.path.length);
      assert.match(
        formatRetainerPath(match.path),
        /system \/ NativeContext @\d+ --retained_maps--> system \/ WeakArrayList @\d+$/,
      );
    }
  });

  it('means the same with explicit qualifiers, an anchor and globs', () => {
    const ids = (pattern: string) =>
      queryGraph(graph, pattern)
        .matches.map((match) => match.id)
        .sort();
    const reference = [...expected.keys()].sort();
    assert.deepEqual(ids('node:system / NativeContext > edge:retained_maps'), reference);
    assert.deepEqual(ids('Native*Context > retained_*'), reference);
    assert.deepEqual(ids('> ** > NativeContext > retained_maps'), reference);
    assert.deepEqual(ids('retained_maps'), reference, 'a lone edge name finds the edge targets');
    // `retained_maps` is an edge name, never a node name.
    assert.deepEqual(ids('NativeContext > node:retained_maps'), []);
    // `WeakArrayList` as a node name: every WeakArrayList a NativeContext holds, ours included.
    const lists = ids('NativeContext > WeakArrayList');
    for (const id of reference) assert.ok(lists.includes(id));
  });

  it('evaluates `*` and `**` like a brute-force walk of the raw arrays', () => {
    // `NativeContext > * > (system)`: hidden nodes two edges from a NativeContext.
    const oneStep = new Set<number>();
    const contexts: number[] = [];
    for (let ordinal = 0; ordinal < raw.nodeCount; ordinal++) {
      if (raw.node(ordinal).name === 'system / NativeContext') contexts.push(ordinal);
    }
    for (const context of contexts) {
      for (const first of raw.edges(context)) {
        for (const second of raw.edges(first.target)) {
          if (raw.node(second.target).type === 'hidden') oneStep.add(raw.node(second.target).id);
        }
      }
    }
    assert.ok(oneStep.size > 10);
    const matched = queryGraph(graph, 'NativeContext > * > (system)').matches.map((match) => match.id);
    assert.deepEqual(new Set(matched), oneStep);

    // `NativeContext > ** > WeakArrayList`: closure over non-weak edges from the contexts.
    const reachable = new Set<number>(contexts);
    const queue = [...contexts];
    while (queue.length > 0) {
      const node = queue.pop()!;
      for (const edge of raw.edges(node)) {
        if (edge.type === 'weak' || reachable.has(edge.target)) continue;
        reachable.add(edge.target);
        queue.push(edge.target);
      }
    }
    const lists = [...reachable].filter((ordinal) => raw.node(ordinal).name === 'system / WeakArrayList');
    assert.ok(lists.length >= 1);
    const deep = queryGraph(graph, 'NativeContext > ** > WeakArrayList');
    assert.deepEqual(
      new Set(deep.matches.map((match) => match.id)),
      new Set(lists.map((o) => raw.node(o).id)),
    );
  });

  it('orders matches largest first, counts all of them and describes only `limit`', () => {
    const all = queryGraph(graph, 'system / *Array*');
    const limited = queryGraph(graph, 'system / *Array*', { limit: 5 });
    assert.ok(all.matchCount > 5);
    assert.equal(limited.matchCount, all.matchCount);
    assert.equal(limited.matches.length, 5);
    assert.deepEqual(limited.matches, all.matches.slice(0, 5));
    for (let i = 1; i < all.matches.length; i++) {
      assert.ok(all.matches[i - 1]!.selfSize >= all.matches[i]!.selfSize);
    }
    // Without distances there is no path; with retained sizes, they order the matches.
    assert.equal(all.matches[0]!.path, null);
    const fakeOrderBySize = new Float64Array(graph.nodeCount);
    for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++)
      fakeOrderBySize[ordinal] = graph.nodeId(ordinal);
    const byRetained = queryGraph(graph, 'system / *Array*', { retainedSizes: fakeOrderBySize, limit: 3 });
    assert.ok(byRetained.matches[0]!.id > byRetained.matches[1]!.id);
    assert.equal(byRetained.matches[0]!.retainedSize, byRetained.matches[0]!.id);
  });

  it('walks parent edges to real edges of the graph', () => {
    const match = queryGraph(graph, 'NativeContext > retained_maps', { distances }).matches[0]!;
    let node = match.ordinal;
    const hops: number[] = [];
    while (node !== 0) {
      const edge = distances.parentEdges[node]!;
      hops.push(graph.nodeId(node));
      node = graph.edgeSource(edge);
      const found = [...raw.edges(node)].some((rawEdge) => rawEdge.target === graph.edgeTarget(edge));
      assert.ok(found, 'the source of a parent edge has that edge in the raw arrays');
    }
    assert.deepEqual(
      hops.reverse(),
      match.path!.map((hop) => hop.node.id),
    );
  });
});

/** What JSON.parse of the file says: the nodes the retained_maps edges of NativeContexts reach. */
function retainedMapsTargets(raw: ReturnType<typeof rawView>) {
  const expected = new Map<number, { selfSize: number; edgeCount: number; entries: number }>();
  for (let ordinal = 0; ordinal < raw.nodeCount; ordinal++) {
    if (raw.node(ordinal).name !== 'system / NativeContext') continue;
    for (const edge of raw.edges(ordinal)) {
      if (edge.name !== 'retained_maps') continue;
      const target = raw.node(edge.target);
      const entries = [...raw.edges(edge.target)].filter((entry) => /^\d+$/.test(entry.name)).length;
      expected.set(target.id, { selfSize: target.selfSize, edgeCount: target.edgeCount, entries });
    }
  }
  return expected;
}

describe('NativeContext > retained_maps across Node.js versions', () => {
  for (const version of ['system', '24.21.0', '26.10.0']) {
    it(`agrees with JSON.parse on Node ${version}`, () => {
      const json = readJsonSnapshot(realSnapshot(version));
      const expected = retainedMapsTargets(rawView(json));
      const result = queryGraph(graphFromJson(json), 'NativeContext > retained_maps');
      assert.equal(result.matchCount, expected.size);
      for (const match of result.matches) {
        const reference = expected.get(match.id)!;
        assert.deepEqual(
          [match.selfSize, match.edgeCount, match.entryCount],
          [reference.selfSize, reference.edgeCount, reference.entries],
        );
      }
    });
  }
});

describe('path queries on other structures', () => {
  it('finds the Map objects of the fixture and their tables from (GC roots)', () => {
    const json = readJsonSnapshot(realSnapshot('system'));
    const graph = graphFromJson(json);
    const result = queryGraph(graph, '(GC roots) > … > Map > table');
    assert.ok(result.matchCount > 0);
    // Each match is the target of a `table` edge from a node of class Map.
    const tables = new Set<number>();
    for (let node = 0; node < graph.nodeCount; node++) {
      if (graph.className(node) !== 'Map' && graph.nodeName(node) !== 'system / Map') continue;
      for (let edge = graph.firstEdge(node); edge < graph.edgeEnd(node); edge++) {
        if (graph.edgeName(edge) === 'table') tables.add(graph.edgeTarget(edge));
      }
    }
    const matches = findPatternMatches(graph, parsePathPattern('(GC roots) > … > Map > table'));
    for (const ordinal of matches) assert.ok(tables.has(ordinal));
    // The fixture's Map of 100 Leaky objects is one of them: its table reaches Leaky instances.
    const leaky = queryGraph(graph, 'Map > table > Leaky');
    assert.equal(leaky.matchCount, 100);
    assert.ok(leaky.matches.every((match) => match.className === 'Leaky' && match.name === null));
  });

  it('never matches or shows string contents', () => {
    const graph = graphFromJson(readJsonSnapshot(realSnapshot('system')));
    // The fixture's strings hold 'newline\nhere' and 'lone … surrogate': their contents match nothing.
    assert.equal(queryGraph(graph, '__fixture > strings > ** > node:*surrogate*').matchCount, 0);
    assert.equal(queryGraph(graph, '__fixture > strings > ** > node:newline*').matchCount, 0);
    const strings = queryGraph(graph, '__fixture > strings > ** > (string)', { limit: 10 });
    assert.ok(strings.matchCount >= 5);
    for (const match of strings.matches) assert.equal(match.name, null);
  });
});

describe('path pattern grammar', () => {
  it('parses steps, wildcards, qualifiers, indexes and escapes', () => {
    assert.deepEqual(parsePathPattern(' NativeContext >retained_maps ').steps, [
      { kind: 'name', text: 'NativeContext', target: 'edge-or-node' },
      { kind: 'name', text: 'retained_maps', target: 'edge-or-node' },
    ]);
    assert.deepEqual(parsePathPattern('(GC roots) > … > ** > ... > * > [3] > edge:a\\>b').steps, [
      { kind: 'name', text: '(GC roots)', target: 'edge-or-node' },
      { kind: 'any-path' },
      { kind: 'any-edge' },
      { kind: 'name', text: '3', target: 'edge' },
      { kind: 'name', text: 'a>b', target: 'edge' },
    ]);
    assert.equal(parsePathPattern('> (GC roots)').anchored, true);
  });

  it('rejects malformed paths with a message that says where', () => {
    for (const [text, message] of [
      ['', /empty/],
      ['a >> b', /step 2 is empty/],
      ['a >', /step 2 is empty/],
      ['[x]', /not an index/],
      ['edge:', /no name after "edge:"/],
      ['* > **', /only wildcards/],
    ] as const) {
      assert.throws(
        () => parsePathPattern(text),
        (error: unknown) => {
          assert.ok(error instanceof PathPatternError);
          assert.match(error.message, message);
          return true;
        },
      );
    }
  });
});
