// Cross-check against Chrome DevTools: on real snapshots written by Node 20, 22, 24 and 26 (and
// one with allocation tracking), every node's dominator, retained size and distance, and
// every class's count, self size and retained size must equal what DevTools computes.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EphemeronEdgeNames } from '../src/analysis/edge-rules.js';
import {
  computeDistances,
  computeDominators,
  devToolsDistance,
  devToolsShallowSizes,
  summarizeClasses,
} from '../src/analysis/index.js';
import type { HeapGraph } from '../src/snapshot/graph.js';
import { devToolsClassKeys, devToolsReference, devToolsSelfSize } from './devtools/reference.js';
import { graphFromJson, readJsonSnapshot } from './helpers/json-graph.js';
import { realSnapshot } from './helpers/snapshots.js';

const cases = [
  { label: 'Node 20 (system)', file: () => realSnapshot('system') },
  { label: 'Node 22.14.0', file: () => realSnapshot('22.14.0') },
  { label: 'Node 24.21.0', file: () => realSnapshot('24.21.0') },
  { label: 'Node 26.10.0', file: () => realSnapshot('26.10.0') },
  {
    label: 'Node 20 (system), allocation tracking',
    file: () => realSnapshot('system', 'small', { trackAllocations: true }),
  },
];

/** Indexes of the first few differing entries, for a readable failure. */
function differences(count: number, differs: (ordinal: number) => boolean): number[] {
  const found: number[] = [];
  for (let ordinal = 0; ordinal < count && found.length < 5; ordinal++)
    if (differs(ordinal)) found.push(ordinal);
  return found;
}

function ephemeronEdgeCount(graph: HeapGraph): number {
  const names = new EphemeronEdgeNames(graph);
  let count = 0;
  for (let edge = 0; edge < graph.edgeCount; edge++) {
    if (graph.edgeType(edge) === graph.types.internalEdge && names.parse(edge)) count++;
  }
  return count;
}

describe('matches Chrome DevTools on real snapshots', () => {
  for (const { label, file } of cases) {
    test(label, async () => {
      const path = file();
      const json = readJsonSnapshot(path);
      const graph = graphFromJson(json);
      const { snapshot: devtools, problems } = await devToolsReference(path);
      assert.equal(devtools.nodeCount, graph.nodeCount);
      // The fixture's WeakMap entries exercise the ephemeron rules on every version.
      assert.ok(ephemeronEdgeCount(graph) >= 20, 'the fixture holds WeakMap ephemeron edges');

      const shallowSizes = devToolsShallowSizes(graph);
      assert.deepEqual(
        differences(graph.nodeCount, (n) => shallowSizes[n] !== devToolsSelfSize(graph, devtools, n)),
        [],
        'self sizes after DevTools shallow-size transfer',
      );

      const tree = computeDominators(graph, { selfSizes: shallowSizes });
      assert.deepEqual(
        differences(graph.nodeCount, (n) => tree.dominators[n] !== devtools.dominatorsTree[n]),
        [],
        'immediate dominators',
      );
      assert.deepEqual(
        differences(graph.nodeCount, (n) => tree.retainedSizes[n] !== devtools.retainedSizes[n]),
        [],
        'retained sizes',
      );
      const unreachableReported = problems.find((text) => /nodes are unreachable from the root/.test(text));
      const reportedCount = unreachableReported
        ? Number(/(\d+) nodes are unreachable/.exec(unreachableReported)![1])
        : 0;
      assert.equal(tree.unreachableCount, reportedCount, 'unreachable node count');

      const distances = computeDistances(graph);
      assert.deepEqual(
        differences(graph.nodeCount, (n) => devToolsDistance(distances, n) !== devtools.nodeDistances[n]),
        [],
        'distances',
      );

      const ours = summarizeClasses(graph, tree, {
        classNameOf: devToolsClassKeys(graph, json.locations),
        selfSizes: shallowSizes,
        skipEmptyNodes: true,
        topInstanceCount: 0,
      });
      const theirs = devtools.getAggregatesByClassKey(false, 'allObjects');
      const ourClasses = new Map(ours.classes.map((entry) => [entry.className, entry]));
      assert.deepEqual([...ourClasses.keys()].sort(), Object.keys(theirs).sort(), 'class keys');
      for (const [key, aggregate] of Object.entries(theirs)) {
        const entry = ourClasses.get(key)!;
        assert.deepEqual(
          { count: entry.count, self: entry.selfSize, retained: entry.retainedSize },
          { count: aggregate.count, self: aggregate.self, retained: aggregate.maxRet },
          `class ${key}`,
        );
      }

      // heapdrift's own default (V8 self sizes, no transfer) keeps the same tree and total, and
      // differs from DevTools' retained sizes only at the internal nodes whose size DevTools moved.
      const plain = computeDominators(graph);
      assert.deepEqual(plain.dominators, tree.dominators);
      assert.equal(plain.retainedSizes[graph.rootOrdinal], graph.totalSelfSize);
      assert.deepEqual(
        differences(
          graph.nodeCount,
          (n) =>
            plain.retainedSizes[n] !== tree.retainedSizes[n] && shallowSizes[n] === graph.nodeSelfSize(n),
        ),
        [],
        'retained sizes with V8 self sizes',
      );
    });
  }
});
