// Dominators, retained sizes, distances and class aggregates on small hand-built graphs whose
// answers follow from the definitions (diamond, cycle, weak-only node, WeakMap entry, shortcut,
// garbage cycle, user-object rule), random graphs checked against a brute-force definition,
// and invariants on a real snapshot.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildDominatedNodes,
  computeDistances,
  computeDominators,
  computeEssentialEdges,
  devToolsDistance,
  SYSTEM_DISTANCE_BASE,
  summarizeClasses,
  UNREACHABLE_DISTANCE,
} from '../src/analysis/index.js';
import { HeapGraph } from '../src/snapshot/graph.js';
import type { RawSnapshotHeader } from '../src/snapshot/meta.js';
import { ArrayStringTable } from '../src/snapshot/strings.js';
import { graphFromJsonFile } from './helpers/json-graph.js';
import { realSnapshot } from './helpers/snapshots.js';

const nodeTypes = [
  'hidden',
  'array',
  'string',
  'object',
  'code',
  'closure',
  'regexp',
  'number',
  'native',
  'synthetic',
];
const edgeTypes = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];

type EdgeSpec = [from: string, type: string, name: string | number, to: string];

interface HandGraph {
  graph: HeapGraph;
  /** Ordinal of a node by its label. */
  at(label: string): number;
}

/**
 * A graph in the V8 snapshot layout. `nodes` maps labels to `[type, name, selfSize]`; the
 * first node is the root. Node ids are 2·ordinal + 1, as `idOf` tells edge names that need them.
 */
function handGraph(
  nodes: [label: string, type: string, name: string, size: number][],
  edges: EdgeSpec[],
): HandGraph {
  const strings: string[] = [];
  const stringIndex = (text: string): number => {
    const found = strings.indexOf(text);
    if (found >= 0) return found;
    strings.push(text);
    return strings.length - 1;
  };
  const ordinals = new Map(nodes.map(([label], ordinal) => [label, ordinal]));
  const at = (label: string): number => {
    const ordinal = ordinals.get(label);
    if (ordinal === undefined) throw new Error(`no node ${label}`);
    return ordinal;
  };
  const nodeFieldCount = 6;
  const nodeArray: number[] = [];
  const edgeArray: number[] = [];
  for (const [label, type, name, size] of nodes) {
    const own = edges.filter(([from]) => from === label);
    nodeArray.push(nodeTypes.indexOf(type), stringIndex(name), 2 * at(label) + 1, size, own.length, 0);
    for (const [, edgeType, edgeName, to] of own) {
      const nameOrIndex = typeof edgeName === 'number' ? edgeName : stringIndex(edgeName);
      edgeArray.push(edgeTypes.indexOf(edgeType), nameOrIndex, at(to) * nodeFieldCount);
    }
  }
  const header: RawSnapshotHeader = {
    meta: {
      node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'detachedness'],
      node_types: [nodeTypes, 'string', 'number', 'number', 'number', 'number'],
      edge_fields: ['type', 'name_or_index', 'to_node'],
      edge_types: [edgeTypes, 'string_or_number', 'node'],
    },
    node_count: nodes.length,
    edge_count: edges.length,
  };
  const graph = new HeapGraph({
    header,
    nodes: Uint32Array.from(nodeArray),
    edges: Uint32Array.from(edgeArray),
    strings: new ArrayStringTable(strings),
  });
  return { graph, at };
}

const idOf = (ordinal: number) => 2 * ordinal + 1;

/** V8's name for the edges to a WeakMap value (one from the key, one from the table). */
function ephemeronName(
  index: number,
  keyOrdinal: number,
  valueOrdinal: number,
  tableOrdinal: number,
): string {
  return `${index} / part of key (Object @${idOf(keyOrdinal)}) -> value (Object @${idOf(valueOrdinal)}) pair in WeakMap (table @${idOf(tableOrdinal)})`;
}

function dominatorOf(hand: HandGraph, tree: { dominators: Uint32Array }, label: string): number {
  return tree.dominators[hand.at(label)]!;
}

describe('dominators and retained sizes', () => {
  test('diamond: the join is dominated by the fork, not by either branch', () => {
    const hand = handGraph(
      [
        ['root', 'synthetic', '', 0],
        ['a', 'object', 'A', 10],
        ['b', 'object', 'B', 20],
        ['c', 'object', 'C', 30],
        ['d', 'object', 'D', 40],
      ],
      [
        ['root', 'element', 1, 'a'],
        ['a', 'property', 'left', 'b'],
        ['a', 'property', 'right', 'c'],
        ['b', 'property', 'next', 'd'],
        ['c', 'property', 'next', 'd'],
      ],
    );
    const tree = computeDominators(hand.graph);
    assert.equal(dominatorOf(hand, tree, 'd'), hand.at('a'));
    assert.equal(dominatorOf(hand, tree, 'b'), hand.at('a'));
    assert.equal(tree.retainedSizes[hand.at('a')], 100);
    assert.equal(tree.retainedSizes[hand.at('b')], 20);
    assert.equal(tree.retainedSizes[hand.graph.rootOrdinal], hand.graph.totalSelfSize);
    assert.equal(tree.unreachableCount, 0);
    const { firstChildIndexes, children } = buildDominatedNodes(tree.dominators, hand.graph.rootOrdinal);
    const a = hand.at('a');
    assert.deepEqual(
      [...children.subarray(firstChildIndexes[a], firstChildIndexes[a + 1])],
      [hand.at('b'), hand.at('c'), hand.at('d')],
    );
  });

  test('cycle: the entry point dominates the cycle and what hangs from it', () => {
    const hand = handGraph(
      [
        ['root', 'synthetic', '', 0],
        ['a', 'object', 'A', 1],
        ['b', 'object', 'B', 2],
        ['c', 'object', 'C', 4],
      ],
      [
        ['root', 'element', 1, 'a'],
        ['a', 'property', 'b', 'b'],
        ['b', 'property', 'a', 'a'],
        ['b', 'property', 'c', 'c'],
        ['c', 'property', 'self', 'c'],
      ],
    );
    const tree = computeDominators(hand.graph);
    assert.equal(dominatorOf(hand, tree, 'a'), hand.graph.rootOrdinal);
    assert.equal(dominatorOf(hand, tree, 'b'), hand.at('a'));
    assert.equal(dominatorOf(hand, tree, 'c'), hand.at('b'));
    assert.equal(tree.retainedSizes[hand.at('a')], 7);
    assert.equal(tree.retainedSizes[hand.at('b')], 6);
  });

  test('a node held only by a weak edge hangs from the root and dominates what only it holds', () => {
    const hand = handGraph(
      [
        ['root', 'synthetic', '', 0],
        ['a', 'object', 'A', 1],
        ['weakTarget', 'object', 'W', 10],
        ['x', 'object', 'X', 100],
      ],
      [
        ['root', 'element', 1, 'a'],
        ['a', 'weak', 'ref', 'weakTarget'],
        ['weakTarget', 'property', 'x', 'x'],
      ],
    );
    const tree = computeDominators(hand.graph);
    assert.equal(dominatorOf(hand, tree, 'weakTarget'), hand.graph.rootOrdinal);
    assert.equal(dominatorOf(hand, tree, 'x'), hand.at('weakTarget'));
    assert.equal(tree.retainedSizes[hand.at('a')], 1, 'a weak edge retains nothing');
    assert.equal(tree.retainedSizes[hand.at('weakTarget')], 110);
    assert.equal(tree.unreachableCount, 2);
    assert.equal(tree.orphanCount, 1);
    assert.equal(tree.unreachableCycleNodeCount, 0);
    assert.equal(tree.retainedSizes[hand.graph.rootOrdinal], hand.graph.totalSelfSize);
    const distances = computeDistances(hand.graph);
    assert.equal(distances.distances[hand.at('weakTarget')], UNREACHABLE_DISTANCE);
    assert.equal(distances.parentEdges[hand.at('x')], -1);
  });

  test('a deferred global is reached last by every path, its property cell too', () => {
    // A global in dictionary mode is reached by its named edge and as a property cell's value.
    const hand = handGraph(
      [
        ['root', 'synthetic', '', 0],
        ['global', 'object', 'global', 8],
        ['agent', 'closure', 'capture', 16],
        ['properties', 'array', '', 32],
        ['cell', 'hidden', 'system / PropertyCell', 8],
        ['state', 'object', 'Object', 64],
      ],
      [
        ['root', 'element', 1, 'global'],
        ['global', 'property', '__agentCapture', 'agent'],
        ['global', 'internal', 'properties', 'properties'],
        ['properties', 'element', 0, 'cell'],
        ['cell', 'internal', 'value', 'agent'],
        ['agent', 'context', 'state', 'state'],
      ],
    );
    const named = hand.graph.firstEdge(hand.at('global'));
    const distances = computeDistances(hand.graph, { deferEdge: (edge) => edge === named });
    assert.equal(distances.parentEdges[hand.at('agent')], named);
    assert.equal(distances.distances[hand.at('agent')], 2);
    assert.equal(hand.graph.edgeSource(distances.parentEdges[hand.at('state')]!), hand.at('agent'));
  });

  test('WeakMap entry: the key retains the value, the table does not', () => {
    // Ordinals: root 0, key 1, map 2, table 3, value 4.
    const hand = handGraph(
      [
        ['root', 'synthetic', '', 0],
        ['key', 'object', 'Object', 8],
        ['map', 'object', 'WeakMap', 16],
        ['table', 'array', '(object elements)', 32],
        ['value', 'object', 'Object', 64],
      ],
      [
        ['root', 'element', 1, 'key'],
        ['root', 'element', 2, 'map'],
        ['key', 'internal', ephemeronName(1, 1, 4, 3), 'value'],
        ['map', 'internal', 'table', 'table'],
        ['table', 'weak', 1, 'key'],
        ['table', 'internal', ephemeronName(2, 1, 4, 3), 'value'],
      ],
    );
    const essential = computeEssentialEdges(hand.graph);
    assert.deepEqual([...essential], [1, 1, 1, 1, 0, 0]);
    const tree = computeDominators(hand.graph);
    assert.equal(dominatorOf(hand, tree, 'value'), hand.at('key'));
    assert.equal(tree.retainedSizes[hand.at('key')], 72);
    assert.equal(tree.retainedSizes[hand.at('map')], 48);

    // Distance: the value's is the later of its two edges (DevTools, crbug.com/1290800): the
    // key's edge (seen first, at distance 1) is skipped, the table's (at distance 2) is taken.
    const distances = computeDistances(hand.graph);
    assert.equal(distances.distances[hand.at('value')], 3);
    assert.equal(hand.graph.edgeTarget(distances.parentEdges[hand.at('value')]!), hand.at('value'));
    const parentEdge = distances.parentEdges[hand.at('value')]!;
    assert.ok(
      parentEdge >= hand.graph.firstEdge(hand.at('table')) &&
        parentEdge < hand.graph.edgeEnd(hand.at('table')),
    );
  });

  test('a shortcut from a non-root node does not retain; from the root it does', () => {
    const hand = handGraph(
      [
        ['root', 'synthetic', '', 0],
        ['a', 'object', 'A', 1],
        ['b', 'object', 'B', 2],
        ['c', 'object', 'C', 4],
        ['d', 'object', 'D', 8],
      ],
      [
        ['root', 'element', 1, 'a'],
        ['root', 'element', 2, 'b'],
        ['root', 'shortcut', 'd', 'd'],
        ['a', 'shortcut', 'c', 'c'],
        ['b', 'property', 'c', 'c'],
        ['b', 'property', 'd', 'd'],
      ],
    );
    const tree = computeDominators(hand.graph);
    assert.equal(dominatorOf(hand, tree, 'c'), hand.at('b'));
    assert.equal(dominatorOf(hand, tree, 'd'), hand.graph.rootOrdinal);
  });

  test('a garbage cycle hangs from the root and retains nothing reachable', () => {
    const hand = handGraph(
      [
        ['root', 'synthetic', '', 0],
        ['a', 'object', 'A', 1],
        ['x', 'object', 'X', 2],
        ['p', 'object', 'P', 4],
        ['q', 'object', 'Q', 8],
      ],
      [
        ['root', 'element', 1, 'a'],
        ['a', 'property', 'x', 'x'],
        ['p', 'property', 'q', 'q'],
        ['q', 'property', 'p', 'p'],
        ['q', 'property', 'x', 'x'],
      ],
    );
    const tree = computeDominators(hand.graph);
    assert.equal(dominatorOf(hand, tree, 'x'), hand.at('a'), 'the garbage edge q → x does not count');
    assert.equal(dominatorOf(hand, tree, 'p'), hand.graph.rootOrdinal);
    assert.equal(dominatorOf(hand, tree, 'q'), hand.graph.rootOrdinal);
    assert.equal(tree.unreachableCycleNodeCount, 2);
    assert.equal(tree.orphanCount, 0);
    assert.equal(tree.retainedSizes[hand.graph.rootOrdinal], 15);
  });

  test('user objects are retained only by user objects (DevTools page-owned rule), unless disabled', () => {
    const hand = handGraph(
      [
        ['root', 'synthetic', '', 0],
        ['global', 'object', 'global', 1],
        ['gcRoots', 'synthetic', '(GC roots)', 0],
        ['handle', 'hidden', 'system / Handle', 2],
        ['x', 'object', 'X', 4],
      ],
      [
        ['root', 'shortcut', 'global', 'global'],
        ['root', 'element', 1, 'gcRoots'],
        ['gcRoots', 'element', 1, 'handle'],
        ['handle', 'internal', 'x', 'x'],
        ['global', 'property', 'x', 'x'],
      ],
    );
    assert.equal(dominatorOf(hand, computeDominators(hand.graph), 'x'), hand.at('global'));
    const plain = computeDominators(hand.graph, { userObjectsRetainedByUserObjects: false });
    assert.equal(dominatorOf(hand, plain, 'x'), hand.graph.rootOrdinal);
  });
});

describe('distances', () => {
  test('user roots first, then system roots; DevTools skips NativeContext.sloppy_function_map', () => {
    const hand = handGraph(
      [
        ['root', 'synthetic', '', 0],
        ['global', 'object', 'global', 1],
        ['gcRoots', 'synthetic', '(GC roots)', 0],
        ['y', 'object', 'Y', 1],
        ['x', 'object', 'X', 1],
        ['internal', 'hidden', 'system / Foo', 1],
        ['context', 'hidden', 'system / NativeContext', 1],
        ['map', 'hidden', 'system / Map', 1],
      ],
      [
        ['root', 'shortcut', 'global', 'global'],
        ['root', 'element', 1, 'gcRoots'],
        ['gcRoots', 'element', 1, 'x'],
        ['gcRoots', 'element', 2, 'internal'],
        ['global', 'property', 'y', 'y'],
        ['y', 'property', 'x', 'x'],
        ['global', 'internal', 'native_context', 'context'],
        ['context', 'internal', 'sloppy_function_map', 'map'],
      ],
    );
    const result = computeDistances(hand.graph);
    const distanceOf = (label: string) => devToolsDistance(result, hand.at(label));
    assert.equal(distanceOf('global'), 1);
    assert.equal(distanceOf('y'), 2);
    assert.equal(distanceOf('x'), 3, 'reached from the user root, though (GC roots) is closer');
    assert.equal(distanceOf('root'), SYSTEM_DISTANCE_BASE);
    assert.equal(distanceOf('gcRoots'), SYSTEM_DISTANCE_BASE + 1);
    assert.equal(distanceOf('internal'), SYSTEM_DISTANCE_BASE + 2);
    assert.equal(result.distances[hand.at('internal')], 2);
    assert.equal(result.distances[hand.at('map')], UNREACHABLE_DISTANCE);
    assert.equal(result.reachableCount, hand.graph.nodeCount - 1);
    // The parent edges spell the shortest path back to the root.
    const path: string[] = [];
    for (let node = hand.at('x'); result.parentEdges[node] !== -1; ) {
      const edge = result.parentEdges[node]!;
      path.push(hand.graph.edgeName(edge));
      node = hand.graph.nodeCount;
      for (let source = 0; source < hand.graph.nodeCount; source++) {
        if (edge >= hand.graph.firstEdge(source) && edge < hand.graph.edgeEnd(source)) node = source;
      }
    }
    assert.deepEqual(path.reverse(), ['global', 'y', 'x']);
  });
});

describe('class summary', () => {
  test('class retained size counts only instances no other instance of the class dominates', () => {
    const hand = handGraph(
      [
        ['root', 'synthetic', '', 0],
        ['outer', 'object', 'Foo', 10],
        ['inner', 'object', 'Foo', 20],
        ['bar', 'object', 'Bar', 40],
        ['other', 'object', 'Foo', 80],
        ['text', 'string', 'secret text', 160],
        ['fn', 'closure', 'f', 320],
      ],
      [
        ['root', 'element', 1, 'outer'],
        ['root', 'element', 2, 'other'],
        ['root', 'element', 3, 'fn'],
        ['outer', 'property', 'inner', 'inner'],
        ['inner', 'property', 'bar', 'bar'],
        ['bar', 'property', 'text', 'text'],
      ],
    );
    const tree = computeDominators(hand.graph);
    const summary = summarizeClasses(hand.graph, tree, { topInstanceCount: 2 });
    const byName = new Map(summary.classes.map((entry) => [entry.className, entry]));
    const foo = byName.get('Foo')!;
    assert.equal(foo.count, 3);
    assert.equal(foo.selfSize, 110);
    assert.equal(foo.retainedSize, 230 + 80, 'outer (with inner inside it) plus other');
    assert.deepEqual(
      foo.topInstances.map((instance) => instance.ordinal),
      [hand.at('outer'), hand.at('inner')],
    );
    assert.equal(byName.get('(string)')!.retainedSize, 160);
    assert.equal(byName.get('(closure)')!.count, 1);
    assert.deepEqual(
      summary.classes.map((entry) => entry.className),
      ['(closure)', 'Foo', 'Bar', '(string)'],
      'sorted by retained size; the root is not a class; no string contents as names',
    );
    assert.equal(summary.totalSelfSize, hand.graph.totalSelfSize);
  });
});

describe('random graphs against the definition of dominance', () => {
  /** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let value = state;
      value = Math.imul(value ^ (value >>> 15), value | 1);
      value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
      return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
    };
  }

  function randomGraph(seed: number): HandGraph {
    const next = random(seed);
    const count = 5 + Math.floor(next() * 40);
    const nodes: [string, string, string, number][] = [['n0', 'synthetic', '', 0]];
    for (let index = 1; index < count; index++) {
      nodes.push([`n${index}`, 'object', `C${index % 3}`, 1 + Math.floor(next() * 100)]);
    }
    const edges: EdgeSpec[] = [];
    const edgeCount = Math.floor(count * (1 + next() * 2));
    for (let index = 0; index < edgeCount; index++) {
      const from = Math.floor(next() * count);
      const to = 1 + Math.floor(next() * (count - 1));
      const roll = next();
      const type = roll < 0.15 ? 'weak' : roll < 0.2 ? 'shortcut' : 'property';
      edges.push([`n${from}`, type, `e${index}`, `n${to}`]);
    }
    return handGraph(nodes, edges);
  }

  /**
   * Dominance by definition: d dominates v when every path from the root to v passes d.
   * Retaining edges only; nodes no such path reaches are held by the root directly when they
   * have no retaining edge at all (orphans), and garbage otherwise (they only hang from the root).
   */
  function bruteForceDominators(graph: HeapGraph): Uint32Array {
    const essential = computeEssentialEdges(graph);
    const count = graph.nodeCount;
    const successors: number[][] = Array.from({ length: count }, () => []);
    const hasRetainer = new Uint8Array(count);
    for (let node = 0; node < count; node++) {
      for (let edge = graph.firstEdge(node); edge < graph.edgeEnd(node); edge++) {
        if (!essential[edge]) continue;
        successors[node]!.push(graph.edgeTarget(edge));
        hasRetainer[graph.edgeTarget(edge)] = 1;
      }
    }
    const reach = (without: number, extraRoots: number[]): Uint8Array => {
      const seen = new Uint8Array(count);
      const stack = [0, ...extraRoots].filter((node) => node !== without);
      for (const node of stack) seen[node] = 1;
      while (stack.length > 0) {
        for (const next of successors[stack.pop()!]!) {
          if (next === without || seen[next]) continue;
          seen[next] = 1;
          stack.push(next);
        }
      }
      return seen;
    };
    const fromRoot = reach(-1, []);
    const orphans: number[] = [];
    for (let node = 1; node < count; node++) if (!fromRoot[node] && !hasRetainer[node]) orphans.push(node);
    const live = reach(-1, orphans);
    const dominatedBy: Uint8Array[] = [];
    for (let candidate = 0; candidate < count; candidate++) {
      const seen = reach(candidate, orphans);
      dominatedBy.push(Uint8Array.from(live, (isLive, node) => (isLive && !seen[node] ? 1 : 0)));
    }
    const immediate = new Uint32Array(count);
    for (let node = 1; node < count; node++) {
      if (!live[node]) continue;
      // The immediate dominator is the strict dominator every other strict dominator dominates.
      const strict: number[] = [];
      for (let candidate = 0; candidate < count; candidate++) {
        if (candidate !== node && (candidate === 0 || dominatedBy[candidate]![node])) strict.push(candidate);
      }
      immediate[node] = strict.find((d) =>
        strict.every((other) => other === d || other === 0 || dominatedBy[other]![d]),
      )!;
    }
    return immediate;
  }

  test('200 random graphs: same immediate dominators and retained sizes as the definition', () => {
    const seen = { orphans: 0, garbage: 0, deepDominators: 0 };
    for (let seed = 1; seed <= 200; seed++) {
      const { graph } = randomGraph(seed);
      const tree = computeDominators(graph);
      seen.orphans += tree.orphanCount;
      seen.garbage += tree.unreachableCycleNodeCount;
      for (const dominator of tree.dominators) if (dominator !== graph.rootOrdinal) seen.deepDominators++;
      const expected = bruteForceDominators(graph);
      assert.deepEqual([...tree.dominators], [...expected], `seed ${seed}`);
      for (let node = 0; node < graph.nodeCount; node++) {
        let retained = 0;
        for (let other = 0; other < graph.nodeCount; other++) {
          let ancestor = other;
          while (ancestor !== node && ancestor !== 0) ancestor = expected[ancestor]!;
          if (ancestor === node) retained += graph.nodeSelfSize(other);
        }
        assert.equal(tree.retainedSizes[node], retained, `seed ${seed} node ${node}`);
      }
    }
    // The random graphs do exercise orphans, garbage cycles and non-trivial dominators.
    assert.ok(seen.orphans > 0 && seen.garbage > 0 && seen.deepDominators > 0, JSON.stringify(seen));
  });
});

describe('invariants on a real snapshot', () => {
  test('retained = self + dominated children; parent edges spell shortest paths', () => {
    const graph = graphFromJsonFile(realSnapshot('22.14.0'));
    const tree = computeDominators(graph);
    const { firstChildIndexes, children } = buildDominatedNodes(tree.dominators, graph.rootOrdinal);
    for (let node = 0; node < graph.nodeCount; node++) {
      let sum = graph.nodeSelfSize(node);
      for (let index = firstChildIndexes[node]!; index < firstChildIndexes[node + 1]!; index++) {
        sum += tree.retainedSizes[children[index]!]!;
      }
      assert.equal(tree.retainedSizes[node], sum, `node ${node}`);
    }
    assert.equal(tree.retainedSizes[graph.rootOrdinal], graph.totalSelfSize);

    const sources = new Uint32Array(graph.edgeCount);
    for (let node = 0; node < graph.nodeCount; node++) {
      for (let edge = graph.firstEdge(node); edge < graph.edgeEnd(node); edge++) sources[edge] = node;
    }
    const { distances, parentEdges, systemOnly } = computeDistances(graph);
    let reached = 0;
    for (let node = 0; node < graph.nodeCount; node++) {
      const edge = parentEdges[node]!;
      if (edge < 0) continue;
      reached++;
      assert.equal(graph.edgeTarget(edge), node);
      assert.notEqual(graph.edgeType(edge), graph.types.weakEdge);
      assert.equal(distances[node], distances[sources[edge]!]! + 1);
      // A node first reached from a user root never hangs below a system-only node.
      if (!systemOnly[node]) assert.equal(systemOnly[sources[edge]!], 0);
    }
    assert.ok(reached > graph.nodeCount * 0.99);
  });
});
