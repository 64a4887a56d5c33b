// Structure keys, measurements and tracking on real heap snapshots written by real Node
// processes: a fixture heap, a process whose Map leaks between snapshots, and a negative
// control that allocates a lot but keeps nothing.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { computeDistances } from '../src/analysis/distances.js';
import { computeDominators } from '../src/analysis/dominators.js';
import { queryGraph } from '../src/analysis/query.js';
import { classAggregates } from '../src/growth/classes.js';
import { SeriesBuilder } from '../src/growth/series.js';
import { StructureKeys } from '../src/growth/structure-keys.js';
import { measureStructures, STRING_NODE_TYPES } from '../src/growth/structures.js';
import { type GrowthReport, SeriesTracker } from '../src/growth/track.js';
import { measureGraph } from '../src/run/measure-snapshot.js';
import type { HeapGraph } from '../src/snapshot/graph.js';
import { graphFromJsonFile } from './helpers/json-graph.js';
import { testCacheDir } from './helpers/node-binaries.js';
import { realSnapshot } from './helpers/snapshots.js';

const SNAPSHOTS_PER_SERIES = 8;
const ENTRIES_PER_STEP = 200;

/** Each program defines `step()`, run once before each snapshot; objects stay reachable from globalThis. */
const seriesPrograms = {
  mapLeak: `
    const leaked = (globalThis.leakedRequests = new Map());
    let counter = 0;
    function step() {
      for (let i = 0; i < ${ENTRIES_PER_STEP}; i++) {
        counter++;
        leaked.set('request-' + counter, { id: counter, body: 'x'.repeat(20) + counter });
      }
    }
  `,
  control: `
    const cache = (globalThis.boundedCache = new Map());
    let counter = 0;
    function step() {
      const garbage = [];
      for (let i = 0; i < 5000; i++) {
        counter++;
        const item = { id: counter, text: 'y' + counter, list: [counter, counter + 1], f: () => counter };
        garbage.push(item);
        cache.set('k' + (counter % 100), item);
      }
      JSON.parse(JSON.stringify(garbage.slice(0, 200).map(({ id, text }) => ({ id, text }))));
      new Map(garbage.map((item) => [item.id, item])).clear();
    }
  `,
  // The control's work, plus records kept under a heapdrift agent global, as an agent does.
  agentRecords: `
    class AgentRecord { constructor(index) { this.index = index; } }
    globalThis.__heapdriftRecords = [];
    const cache = (globalThis.boundedCache = new Map());
    let counter = 0;
    function step() {
      for (let i = 0; i < 20; i++) globalThis.__heapdriftRecords.push(new AgentRecord(i));
      for (let i = 0; i < 1000; i++) cache.set('k' + (++counter % 100), { id: counter });
    }
  `,
} as const;

/** Snapshots written by one real process of this Node, one after each `step()`, cached per program. */
function snapshotSeries(name: keyof typeof seriesPrograms): string[] {
  const program = seriesPrograms[name];
  const hash = createHash('sha256').update(`${program}${SNAPSHOTS_PER_SERIES}`).digest('hex').slice(0, 12);
  const dir = join(testCacheDir, 'growth-series', `${name}-${process.version.slice(1)}-${hash}`);
  const files = Array.from({ length: SNAPSHOTS_PER_SERIES }, (_, i) =>
    join(dir, `snapshot-${i}.heapsnapshot`),
  );
  if (files.every((file) => existsSync(file))) return files;
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  const writer = `
    const { writeHeapSnapshot } = require('v8');
    const { join } = require('path');
    for (let index = 0; index < ${SNAPSHOTS_PER_SERIES}; index++) {
      step();
      gc();
      writeHeapSnapshot(join(${JSON.stringify(staging)}, 'snapshot-' + index + '.heapsnapshot'));
    }
  `;
  execFileSync(process.execPath, ['--expose-gc', '-e', `${program}\n${writer}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!files.every((file) => existsSync(file))) throw error;
  }
  return files;
}

/** The node `edgeName` leads to from a node named `fromName`, found by scanning every edge. */
function findByEdge(graph: HeapGraph, fromName: string, edgeName: string): number[] {
  const found: number[] = [];
  for (let node = 0; node < graph.nodeCount; node++) {
    if (graph.nodeName(node) !== fromName) continue;
    for (let edge = graph.firstEdge(node); edge < graph.edgeEnd(node); edge++) {
      if (!graph.edgeHasIndexName(edge) && graph.edgeName(edge) === edgeName)
        found.push(graph.edgeTarget(edge));
    }
  }
  return found;
}

function onlyKey(keys: StructureKeys, query: string): number {
  const matches = keys.find(query);
  assert.equal(matches.length, 1, `${query}: ${matches.map((key) => keys.path(key)).join(' | ')}`);
  return matches[0]!;
}

describe('structure keys on a real fixture heap', () => {
  const graph = graphFromJsonFile(realSnapshot('system'));
  const keys = new StructureKeys();
  const measured = measureStructures(graph, keys);

  it('names NativeContext > retained_maps by its path, with node names for V8 internals', () => {
    const key = onlyKey(keys, 'NativeContext > retained_maps');
    assert.equal(keys.label(key), 'NativeContext > retained_maps');
    assert.match(keys.path(key), /system \/ NativeContext > retained_maps > system \/ WeakArrayList$/);
    assert.deepEqual(keys.find('NativeContext > retained_maps > WeakArrayList'), [key]);
    assert.deepEqual(keys.find('system / NativeContext > retained_maps > system / WeakArrayList'), [key]);
    // The same node, found independently by scanning the edges.
    const lists = findByEdge(graph, 'system / NativeContext', 'retained_maps');
    assert.equal(lists.length, 1);
    assert.equal(measured.nodeKeys[lists[0]!], key);
    assert.equal(measured.count[key], 1);
    assert.equal(measured.selfSize[key], graph.nodeSelfSize(lists[0]!));
    assert.equal(measured.edgeCount[key], graph.nodeEdgeCount(lists[0]!));
  });

  it('aggregates the objects of one array or table under one key', () => {
    const points = onlyKey(keys, 'points > Array > [] > Point');
    assert.equal(measured.count[points], 200);
    const entries = onlyKey(keys, '__fixture > Object > map > Map > table > * > [] > Leaky');
    assert.equal(measured.count[entries], 100);
    assert.match(keys.path(entries), /__fixture > Object > map > Map > table > \(array\) > \[\] > Leaky$/);
  });

  it('gives WeakMap values one key, and elides long paths in the middle', () => {
    // V8 names each value edge after the ids of its key, value and table; keys drop them.
    const values = onlyKey(
      keys,
      '__fixture > Object > weak > WeakMap > table > * > [] (WeakMap value) > Object',
    );
    assert.equal(measured.count[values], 10);
    const points = onlyKey(keys, 'points > Array > [] > Point');
    assert.equal(keys.path(points), 'global > __fixture > Object > points > Array > [] > Point');
    assert.equal(keys.path(points, 4), 'global > … > Array > [] > Point');
    assert.equal(keys.depthOf(points), 4);
    assert.deepEqual(keys.segments(points).at(-1), { edge: '[]', edgeType: 'element', className: 'Point' });
  });

  it('accounts for every reachable node exactly once, a string’s parts in its bytes only', () => {
    const isString = (node: number) =>
      STRING_NODE_TYPES.some((type) => graph.layout.nodeTypes[graph.nodeType(node)] === type);
    const { parentEdges } = computeDistances(graph);
    let objects = 0;
    let parts = 0;
    let reachableSelfSize = 0;
    for (let node = 0; node < graph.nodeCount; node++) {
      if (measured.nodeKeys[node]! < 0) continue;
      reachableSelfSize += graph.nodeSelfSize(node);
      const parent = parentEdges[node]! >= 0 ? graph.edgeSource(parentEdges[node]!) : -1;
      if (parent >= 0 && isString(parent)) {
        parts++;
        assert.equal(measured.nodeKeys[node], measured.nodeKeys[parent], 'a part is keyed with its string');
      } else objects++;
    }
    const sum = (values: Float64Array) => values.reduce((total, value) => total + value, 0);
    assert.ok(parts > 0, 'the fixture heap holds ropes or slices');
    assert.equal(sum(measured.count), objects);
    assert.equal(sum(measured.selfSize), reachableSelfSize);
    for (let key = 1; key < keys.size; key++) {
      assert.doesNotMatch(keys.path(key), /\((concatenated|sliced) string\)/);
      if (keys.segment(key).className === '(string)')
        assert.equal(measured.edgeCount[key], 0, keys.path(key));
    }
    assert.ok(objects + parts > graph.nodeCount * 0.95, `${objects + parts} of ${graph.nodeCount} reachable`);
  });

  it('sums retained sizes per key when given', () => {
    const tree = computeDominators(graph);
    const withRetained = measureStructures(graph, keys, { retainedSizes: tree.retainedSizes });
    const key = onlyKey(keys, '__fixture > Object > map > Map > table');
    const tables = findByEdge(graph, 'Map', 'table').filter((node) => withRetained.nodeKeys[node] === key);
    assert.equal(tables.length, 1);
    assert.equal(withRetained.retainedSize![key], tree.retainedSizes[tables[0]!]);
    assert.ok(withRetained.retainedSize![key]! > withRetained.selfSize[key]!);
  });

  it('gives class aggregates with and without a dominator tree', () => {
    const plain = classAggregates(graph);
    const point = plain.find((aggregate) => aggregate.className === 'Point')!;
    assert.deepEqual([point.count, point.retainedSize], [200, undefined]);
    assert.equal(
      plain.reduce((total, aggregate) => total + aggregate.count, 0),
      graph.nodeCount - 1,
    );
    const withTree = classAggregates(graph, computeDominators(graph));
    const retainedPoint = withTree.find((aggregate) => aggregate.className === 'Point')!;
    assert.equal(retainedPoint.count, 200);
    assert.equal(retainedPoint.selfSize, point.selfSize);
    assert.ok(retainedPoint.retainedSize! >= point.selfSize);
  });
});

describe('structures across the snapshots of one real process', () => {
  let leakFiles: string[] = [];
  let controlFiles: string[] = [];
  let leakGraphs: HeapGraph[] = [];
  before(() => {
    leakFiles = snapshotSeries('mapLeak');
    controlFiles = snapshotSeries('control');
    leakGraphs = leakFiles.map((file) => graphFromJsonFile(file));
  });

  it('keeps one key for retained_maps and shows the leaking Map gaining live entries', () => {
    const keys = new StructureKeys();
    const first = measureStructures(leakGraphs[0]!, keys);
    const last = measureStructures(leakGraphs.at(-1)!, keys);
    const retainedMaps = onlyKey(keys, 'NativeContext > retained_maps');
    assert.equal(first.count[retainedMaps], 1);
    assert.equal(last.count[retainedMaps], 1);
    const table = onlyKey(keys, 'leakedRequests > Map > table');
    const added = ENTRIES_PER_STEP * (SNAPSHOTS_PER_SERIES - 1);
    // An ordered hash table holds a key edge and a value edge per entry.
    assert.equal(last.edgeCount[table]! - first.edgeCount[table]!, 2 * added);
    const entries = onlyKey(keys, 'leakedRequests > Map > table > * > [] > Object');
    assert.equal(first.count[entries], ENTRIES_PER_STEP);
    assert.equal(last.count[entries], ENTRIES_PER_STEP * SNAPSHOTS_PER_SERIES);
  });

  it('finds the leak, ranks the leaking Map first and folds its contents into it', () => {
    const tracker = new SeriesTracker({ xUnit: 'iteration' });
    tracker.trackQuery('retained maps', 'NativeContext > retained_maps');
    leakGraphs.forEach((graph, index) => {
      const tree = computeDominators(graph);
      tracker.add(
        index,
        (index + 1) * ENTRIES_PER_STEP,
        measureStructures(graph, tracker.keys, { retainedSizes: tree.retainedSizes }),
      );
      tracker.addClassAggregates(index, classAggregates(graph, tree));
      const query = queryGraph(graph, 'NativeContext > retained_maps');
      const list = query.matches[0]!;
      tracker.addNamedMeasurement(index, {
        name: 'retained maps (query engine)',
        selfSize: list.selfSize,
        edgeCount: list.edgeCount,
      });
    });
    const report = tracker.analyze();
    assert.equal(report.verdict, 'leak', report.reason);
    const top = report.structures[0]!;
    assert.equal(top.verdict, 'growing');
    assert.match(top.path, /leakedRequests > Map > table > \(array\)$/);
    assert.equal(top.growingOwner, undefined);
    const table = top.metrics.find((metric) => metric.metric === 'edgeCount')!;
    assert.equal(table.verdict.verdict, 'growing');
    assert.equal(table.verdict.slopePer1000Iterations, 2000);
    // The entries grow too, under the table; the Map's owners are not listed for its retained size.
    const entries = report.structures.find((structure) => structure.path.endsWith('> [] > Object'))!;
    assert.equal(entries.verdict, 'growing');
    assert.equal(entries.growingOwner, top.key);
    assert.ok(!report.structures.some((structure) => structure.path.endsWith('leakedRequests > Map')));
    assert.ok(report.classes.some((result) => result.className === 'Object' && result.verdict === 'growing'));
    // retained_maps is tracked by name, not growing here, and the query engine agrees on its size.
    const [byKey, byQueryEngine] = report.namedTracks;
    assert.equal(byKey!.keys.length, 1);
    assert.notEqual(byKey!.verdict, 'growing');
    const sizes = (track: typeof byKey) =>
      track!.metrics.find((metric) => metric.metric === 'selfSize')!.series;
    assert.deepEqual(sizes(byQueryEngine), sizes(byKey));
    assert.equal(
      byQueryEngine!.metrics.find((metric) => metric.metric === 'retainedSize'),
      undefined,
    );
  });

  it('replays stored changes into the exact per-snapshot values', () => {
    const tracker = new SeriesTracker({ xUnit: 'iteration' });
    const measurements = leakGraphs.map((graph) => measureStructures(graph, tracker.keys));
    measurements.forEach((measured, index) => {
      tracker.add(index, index + 1, measured);
    });
    // Keys first seen in a later snapshot read as 0 before it.
    for (let key = 1; key < tracker.keys.size; key += 37) {
      const expected = measurements.map((measured) =>
        key < measured.keyCount ? measured.selfSize[key]! : 0,
      );
      assert.deepEqual(tracker.seriesOf(key, 'selfSize'), expected, tracker.keys.path(key));
    }
  });

  it('interns only the strings keys use, across every snapshot of the series', () => {
    const keys = new StructureKeys();
    for (const graph of leakGraphs) measureStructures(graph, keys);
    const used = new Set<number>();
    for (let key = 1; key < keys.size; key++) {
      const segment = keys.segment(key);
      for (const text of [segment.edge, segment.edgeType, segment.className])
        used.add(keys.internString(text));
    }
    // What else is interned: the root's empty name and the labels' names of types, fixed per layout.
    const { layout } = leakGraphs[0]!;
    const fixed = new Set(['', 'element', '[]', '(compiled code)', '(string)', ...layout.edgeTypes]);
    for (const type of layout.nodeTypes) fixed.add(`(${type})`);
    const unused: string[] = [];
    for (let id = 0; id < keys.stringCount; id++) if (!used.has(id)) unused.push(keys.stringOf(id));
    assert.deepEqual(
      unused.filter((text) => !fixed.has(text)),
      [],
    );
    // So raw slot names (`132`) and function names of code are not interned: keys never use them.
    assert.ok(used.size > 100, `${used.size} strings used`);
  });

  it('adopts a trie of one snapshot alone with the ids measuring it in the series’ trie gives', () => {
    const [first, last] = [leakGraphs[0]!, leakGraphs.at(-1)!];
    const series = new StructureKeys();
    measureStructures(first, series);
    const alone = new StructureKeys();
    const aloneMeasured = measureStructures(last, alone);
    const ids = series.adopt(alone.tail());
    // The reference: both snapshots measured with one trie, as in-process.
    const reference = new StructureKeys();
    measureStructures(first, reference);
    const referenceMeasured = measureStructures(last, reference);
    assert.equal(series.size, reference.size);
    for (let key = 0; key < reference.size; key++) assert.equal(series.path(key), reference.path(key));
    assert.ok(alone.size > 1000 && alone.size <= reference.size, `${alone.size} keys`);
    for (let key = 0; key < alone.size; key++) {
      assert.equal(reference.path(ids[key]!), alone.path(key));
      assert.equal(referenceMeasured.selfSize[ids[key]!], aloneMeasured.selfSize[key]);
    }
  });

  it('calls the negative control no-leak', () => {
    const tracker = new SeriesTracker({ xUnit: 'iteration' });
    tracker.trackQuery('retained maps', 'NativeContext > retained_maps');
    controlFiles.forEach((file, index) => {
      const graph = graphFromJsonFile(file);
      tracker.add(index, (index + 1) * 5000, measureStructures(graph, tracker.keys));
      tracker.addClassAggregates(index, classAggregates(graph));
    });
    const report: GrowthReport = tracker.analyze();
    const growing = report.structures.filter((structure) => structure.verdict === 'growing');
    assert.deepEqual(
      growing.map((structure) => structure.path),
      [],
    );
    assert.equal(report.verdict, 'no-leak', report.reason);
  });

  it('does not call a control no-leak from too few snapshots, even when nothing is a candidate', () => {
    const tracker = new SeriesTracker({ xUnit: 'iteration' });
    controlFiles.slice(0, 3).forEach((file, index) => {
      tracker.add(index, (index + 1) * 5000, measureStructures(graphFromJsonFile(file), tracker.keys));
    });
    const report = tracker.analyze();
    assert.equal(report.verdict, 'inconclusive');
    assert.match(report.reason, /^3 snapshot\(s\): too few to show that nothing grows \(the rules need 7/);
  });
});

describe('a run leaves its agent out', () => {
  it('keeps the agent’s own records out of structures and class totals', () => {
    const tracker = new SeriesTracker({ xUnit: 'iteration' });
    snapshotSeries('agentRecords').forEach((file, index) => {
      measureGraph(graphFromJsonFile(file), index, (index + 1) * 10, (index + 1) * 1000, tracker, []);
    });
    const report = tracker.analyze();
    const classNames = report.classes.map((result) => result.className);
    assert.ok(!classNames.includes('AgentRecord'), classNames.join(', '));
    assert.equal(report.verdict, 'no-leak', report.reason);
  });
});

describe('SeriesTracker bookkeeping', () => {
  it('rejects snapshots out of order and judges too-short runs inconclusive', () => {
    const graph = graphFromJsonFile(realSnapshot('system'));
    const tracker = new SeriesTracker({ xUnit: 'ms' });
    const measured = measureStructures(graph, tracker.keys);
    tracker.add(0, 0, measured);
    assert.throws(() => tracker.add(1, 0, measured), RangeError);
    assert.throws(() => tracker.add(0, 10, measured), RangeError);
    tracker.trackQuery('retained maps', 'NativeContext > retained_maps');
    tracker.add(1, 10, measured);
    const report = tracker.analyze();
    assert.equal(report.verdict, 'inconclusive');
    assert.equal(report.namedTracks[0]!.metrics[0]!.verdict.decidedBy, 'enough-samples');
  });
});

describe('SeriesBuilder.presentEvidence', () => {
  const samples = Array.from({ length: 9 }, (_, index) => ({
    snapshotIndex: index,
    x: index * 100,
    elapsedMs: index * 300,
  }));

  it('drops a rare absence (another path reached the objects) when enough samples remain', () => {
    const count = [3, 3, 3, 3, 0, 3, 3, 3, 3];
    const wide = new SeriesBuilder(samples, 'iteration', { warmupSamples: 2, minimumSamples: 5 });
    const evidence = wide.presentEvidence([96, 96, 96, 96, 0, 96, 96, 96, 96], count, 'selfSize');
    assert.equal(evidence.samples, 6, 'the absent sample is not a measurement of 0');
    assert.ok(evidence.y.every((value) => value === 96));
  });
});
