// Retainer paths on real snapshots (Node 20 and 24): an instance of a uniquely named class held
// only in a global Map must be reached through that Map; every hop must be a strong edge of the
// raw JSON arrays; limits and unreachable nodes behave as documented.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeDistances } from '../src/analysis/distances.js';
import {
  buildRetainerIndex,
  findRetainerPaths,
  formatRetainerPath,
  type RetainerPath,
  shortestPathFromDistances,
  strongHopDistances,
} from '../src/analysis/retainers.js';
import type { HeapGraph } from '../src/snapshot/graph.js';
import { graphFromJson, type JsonSnapshot, readJsonSnapshot } from './helpers/json-graph.js';
import { snapshotOfProgram } from './helpers/snapshots.js';

const retainedThingProgram = `
  class HeapdriftRetainedThing { constructor() { this.label = 'secret-retained-label'; } }
  globalThis.__heapdriftHolder = new Map([['only', new HeapdriftRetainedThing()]]);
  // Noise around it: other Maps and objects, none of which holds the instance.
  globalThis.__heapdriftNoise = Array.from({ length: 50 }, (_, i) => new Map([[i, { i }]]));
`;

/** Strong edges of the raw JSON by (source id, target id), independent of HeapGraph. */
function rawStrongEdges(json: JsonSnapshot): Set<string> {
  const meta = json.snapshot.meta;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const edgeTypes = meta.edge_types[meta.edge_fields.indexOf('type')] as string[];
  const idOffset = meta.node_fields.indexOf('id');
  const edgeCountOffset = meta.node_fields.indexOf('edge_count');
  const set = new Set<string>();
  let edge = 0;
  for (let node = 0; node < json.nodes.length; node += nodeFields) {
    const count = json.nodes[node + edgeCountOffset]!;
    for (let i = 0; i < count; i++, edge += edgeFields) {
      const type = edgeTypes[json.edges[edge + meta.edge_fields.indexOf('type')]!];
      if (type === 'weak') continue;
      const target = json.edges[edge + meta.edge_fields.indexOf('to_node')]!;
      set.add(`${json.nodes[node + idOffset]}>${json.nodes[target + idOffset]}`);
    }
  }
  return set;
}

function findByClass(graph: HeapGraph, className: string): number[] {
  const found: number[] = [];
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    if (graph.className(ordinal) === className) found.push(ordinal);
  }
  return found;
}

for (const version of ['system', '24.21.0']) {
  describe(`retainer paths (Node ${version})`, () => {
    const json = readJsonSnapshot(snapshotOfProgram('retainers-map', version, retainedThingProgram));
    const graph = graphFromJson(json);
    const strongEdges = rawStrongEdges(json);
    const [target] = findByClass(graph, 'HeapdriftRetainedThing');
    // The Map the global's `__heapdriftHolder` property names (a property edge of the global).
    const holderId = propertyTargetId(graph, '__heapdriftHolder');

    it('reaches the instance through the global Map that holds it', () => {
      assert.equal(findByClass(graph, 'HeapdriftRetainedThing').length, 1);
      const result = findRetainerPaths(graph, target!, { maxPaths: 5, maxDepth: 20 });
      assert.equal(result.reachable, true);
      assert.equal(result.target.className, 'HeapdriftRetainedThing');
      assert.ok(result.paths.length >= 1);
      for (const path of result.paths) {
        assert.equal(path.at(-1)!.node.id, graph.nodeId(target!));
        const mapHop = path.findIndex((hop) => hop.node.className === 'Map');
        assert.ok(mapHop >= 0, `path goes through a Map: ${formatRetainerPath(path)}`);
        // The Map is the holder: it is the one the global's property names.
        assert.equal(path[mapHop]!.node.id, holderId, `the Map is the holder: ${formatRetainerPath(path)}`);
        assert.equal(path[mapHop + 1]!.edge!.name, 'table');
      }
    });

    it('only follows strong edges of the file, with distinct, simple paths, shortest first after DevTools’ own', () => {
      const result = findRetainerPaths(graph, target!, { maxPaths: 5, maxDepth: 20 });
      const keys = new Set<string>();
      for (const path of result.paths) {
        assertRealPath(path, strongEdges, graph.nodeId(0));
        keys.add(path.map((hop) => `${hop.edge?.name}:${hop.node.id}`).join('|'));
        assert.equal(new Set(path.map((hop) => hop.node.id)).size, path.length, 'no node twice');
      }
      assert.equal(keys.size, result.paths.length, 'paths are distinct');
      const devTools = shortestPathFromDistances(graph, computeDistances(graph), target!)!;
      assert.deepEqual(result.paths[0], devTools);
      const lengths = result.paths.slice(1).map((path) => path.length);
      assert.deepEqual(
        lengths,
        [...lengths].sort((a, b) => a - b),
      );
      assert.equal(Math.min(...result.paths.map((path) => path.length)), result.shortestDepth);
    });

    it('respects the path and depth limits', () => {
      const shared = {
        distances: computeDistances(graph),
        retainerIndex: buildRetainerIndex(graph),
        strongHops: strongHopDistances(graph),
      };
      const one = findRetainerPaths(graph, target!, { ...shared, maxPaths: 1 });
      assert.equal(one.paths.length, 1);
      assert.equal(one.truncated, true);
      const shortest = one.shortestDepth!;
      const tooShallow = findRetainerPaths(graph, target!, { ...shared, maxDepth: shortest - 1 });
      assert.equal(tooShallow.paths.length, 0);
      assert.equal(tooShallow.truncated, true);
      const exact = findRetainerPaths(graph, target!, { ...shared, maxDepth: shortest, maxPaths: 50 });
      assert.ok(exact.paths.length >= 1);
      for (const path of exact.paths) assert.ok(path.length <= shortest);
    });

    it('reports nodes no strong path reaches as unreachable, with no paths', (context) => {
      // Independent BFS over the raw strong edges, by id.
      const reached = new Set<number>([graph.nodeId(0)]);
      const bySource = new Map<number, number[]>();
      for (const key of strongEdges) {
        const [from, to] = key.split('>').map(Number) as [number, number];
        (bySource.get(from) ?? bySource.set(from, []).get(from)!).push(to);
      }
      const queue = [graph.nodeId(0)];
      while (queue.length > 0) {
        for (const next of bySource.get(queue.pop()!) ?? []) {
          if (!reached.has(next)) {
            reached.add(next);
            queue.push(next);
          }
        }
      }
      let unreachable = -1;
      for (let ordinal = 0; ordinal < graph.nodeCount && unreachable < 0; ordinal++) {
        if (!reached.has(graph.nodeId(ordinal))) unreachable = ordinal;
      }
      // Node 22+ snapshots hold a few code objects only weak edges reach; Node 20's may hold none.
      assert.ok(reached.has(graph.nodeId(target!)));
      if (unreachable < 0) {
        context.skip('every node of this snapshot is strongly reachable');
        return;
      }
      const result = findRetainerPaths(graph, unreachable);
      assert.equal(result.reachable, false);
      assert.deepEqual(result.paths, []);
    });

    it('shows no string contents', () => {
      const result = findRetainerPaths(graph, target!);
      const text = result.paths.map(formatRetainerPath).join('\n') + JSON.stringify(result);
      assert.ok(!text.includes('secret-retained-label'));
    });
  });
}

function propertyTargetId(graph: HeapGraph, name: string): number {
  const ids = new Set<number>();
  for (let ordinal = 0; ordinal < graph.nodeCount; ordinal++) {
    for (let edge = graph.firstEdge(ordinal); edge < graph.edgeEnd(ordinal); edge++) {
      if (graph.edgeTypeName(edge) === 'property' && graph.edgeName(edge) === name) {
        ids.add(graph.nodeId(graph.edgeTarget(edge)));
      }
    }
  }
  assert.equal(ids.size, 1, `one object is named by property ${name}`);
  return [...ids][0]!;
}

function assertRealPath(path: RetainerPath, strongEdges: Set<string>, rootId: number): void {
  assert.ok(strongEdges.has(`${rootId}>${path[0]!.node.id}`), 'a path starts at a child of the root');
  for (let i = 1; i < path.length; i++) {
    const key = `${path[i - 1]!.node.id}>${path[i]!.node.id}`;
    assert.ok(strongEdges.has(key), `hop ${key} is a strong edge of the file`);
  }
}
