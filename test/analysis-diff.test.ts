// Snapshot diff on real snapshots: two of one process (N objects of a named class added, M of
// another dropped) diff by id with exactly +N / -M, checked against the raw JSON; Node 20
// against Node 24 diffs by class; an id diff across formats is refused.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { diffSnapshots } from '../src/analysis/diff.js';
import { UserError } from '../src/errors.js';
import { graphFromJson, type JsonSnapshot, readJsonSnapshot } from './helpers/json-graph.js';
import { nodeBinary, testCacheDir } from './helpers/node-binaries.js';
import { realSnapshot } from './helpers/snapshots.js';

const ADDED = 1234;
const REMOVED = 321;
const KEPT = 100;

/** One process, two snapshots: `before.heapsnapshot` then, after changes, `after.heapsnapshot`. */
const oneProcessProgram = (dir: string) => `
  const v8 = require('v8');
  class HeapdriftDiffAdded { constructor(i) { this.i = i; } }
  class HeapdriftDiffRemoved { constructor(i) { this.i = i; this.j = i; } }
  class HeapdriftDiffKept { constructor(i) { this.i = i; } }
  globalThis.__kept = Array.from({ length: ${KEPT} }, (_, i) => new HeapdriftDiffKept(i));
  globalThis.__removed = Array.from({ length: ${REMOVED} }, (_, i) => new HeapdriftDiffRemoved(i));
  gc();
  v8.writeHeapSnapshot(${JSON.stringify(join(dir, 'before.heapsnapshot'))});
  globalThis.__removed = null;
  globalThis.__added = Array.from({ length: ${ADDED} }, (_, i) => new HeapdriftDiffAdded(i));
  gc();
  v8.writeHeapSnapshot(${JSON.stringify(join(dir, 'after.heapsnapshot'))});
`;

function oneProcessSnapshots(version: string): { before: string; after: string } {
  const hash = createHash('sha256').update(oneProcessProgram('')).digest('hex').slice(0, 12);
  const dir = join(testCacheDir, 'snapshots', `diff-one-process-${version}-${hash}`);
  const result = { before: join(dir, 'before.heapsnapshot'), after: join(dir, 'after.heapsnapshot') };
  if (existsSync(result.after)) return result;
  const temporary = `${dir}.tmp-${process.pid}`;
  mkdirSync(temporary, { recursive: true });
  execFileSync(nodeBinary(version), ['--expose-gc', '-e', oneProcessProgram(temporary)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  renameSync(temporary, dir);
  return result;
}

/** Per-class count and self size, and the set of ids, from the raw JSON. */
function rawCensus(json: JsonSnapshot) {
  const meta = json.snapshot.meta;
  const fields = meta.node_fields;
  const types = meta.node_types[fields.indexOf('type')] as string[];
  const classes = new Map<string, { count: number; size: number }>();
  const ids = new Map<number, string>();
  for (let node = 0; node < json.nodes.length; node += fields.length) {
    const type = types[json.nodes[node + fields.indexOf('type')]!]!;
    const name = json.strings[json.nodes[node + fields.indexOf('name')]!]!;
    const className = type === 'object' || type === 'native' ? name : null;
    const size = json.nodes[node + fields.indexOf('self_size')]!;
    if (className !== null) {
      const entry = classes.get(className) ?? { count: 0, size: 0 };
      entry.count++;
      entry.size += size;
      classes.set(className, entry);
    }
    ids.set(json.nodes[node + fields.indexOf('id')]!, className ?? `(${type})`);
  }
  return { classes, ids };
}

describe('diff of two snapshots of one process (Node 22.14.0)', () => {
  const files = oneProcessSnapshots('22.14.0');
  const beforeJson = readJsonSnapshot(files.before);
  const afterJson = readJsonSnapshot(files.after);
  const before = graphFromJson(beforeJson);
  const after = graphFromJson(afterJson);
  const diff = diffSnapshots(before, after);
  const row = (className: string) => diff.classes.find((entry) => entry.className === className);

  it('recognizes one process and diffs by id', () => {
    assert.equal(diff.mode, 'id');
    assert.equal(diff.sameFormat, true);
    assert.ok(diff.overlap.fraction > 0.5 && diff.overlap.agreement > 0.98, diff.modeReason);
  });

  it('shows +N objects of the added class, -M of the removed one, none for the kept one', () => {
    const rawBefore = rawCensus(beforeJson);
    const rawAfter = rawCensus(afterJson);
    const added = row('HeapdriftDiffAdded')!;
    assert.equal(added.beforeCount, 0);
    assert.equal(added.afterCount, ADDED);
    assert.equal(added.countDelta, ADDED);
    assert.equal(added.addedCount, ADDED);
    assert.equal(added.removedCount, 0);
    assert.equal(added.afterSize, rawAfter.classes.get('HeapdriftDiffAdded')!.size);
    assert.equal(added.sizeDelta, added.afterSize);
    assert.equal(added.addedSize, added.afterSize);

    const removed = row('HeapdriftDiffRemoved')!;
    assert.equal(removed.beforeCount, REMOVED);
    assert.equal(removed.afterCount, 0);
    assert.equal(removed.removedCount, REMOVED);
    assert.equal(removed.addedCount, 0);
    assert.equal(removed.sizeDelta, -rawBefore.classes.get('HeapdriftDiffRemoved')!.size);

    const kept = row('HeapdriftDiffKept')!;
    assert.deepEqual(
      [kept.beforeCount, kept.afterCount, kept.countDelta, kept.addedCount, kept.removedCount],
      [KEPT, KEPT, 0, 0, 0],
    );
  });

  it('agrees with the raw JSON on every class total and on new / deleted ids', () => {
    const rawBefore = rawCensus(beforeJson);
    const rawAfter = rawCensus(afterJson);
    for (const [className, entry] of rawAfter.classes) {
      const delta = row(className)!;
      assert.equal(delta.afterCount, entry.count, className);
      assert.equal(delta.afterSize, entry.size, className);
    }
    for (const [className, entry] of rawBefore.classes) {
      assert.equal(row(className)!.beforeCount, entry.count, className);
    }
    const newIds = [...rawAfter.ids.keys()].filter((id) => !rawBefore.ids.has(id)).length;
    const deletedIds = [...rawBefore.ids.keys()].filter((id) => !rawAfter.ids.has(id)).length;
    assert.equal(diff.ids!.added, newIds);
    assert.equal(diff.ids!.removed, deletedIds);
    assert.equal(diff.ids!.kept, rawAfter.ids.size - newIds);
    assert.equal(
      diff.after.selfSize - diff.before.selfSize,
      sum(diff.classes.map((entry) => entry.sizeDelta)),
    );
  });

  it('sorts classes by the size of their change', () => {
    const sizes = diff.classes.map((entry) => Math.abs(entry.sizeDelta));
    assert.deepEqual(
      sizes,
      [...sizes].sort((a, b) => b - a),
    );
  });

  it('gives the same class totals when asked to diff by class', () => {
    const byClass = diffSnapshots(before, after, { by: 'class' });
    assert.equal(byClass.mode, 'class');
    assert.equal(byClass.ids, null);
    for (const entry of byClass.classes) {
      const same = row(entry.className)!;
      assert.deepEqual(
        [entry.beforeCount, entry.afterCount, entry.beforeSize, entry.afterSize],
        [same.beforeCount, same.afterCount, same.beforeSize, same.afterSize],
      );
      assert.equal(entry.addedCount, null);
    }
  });

  it('diffs by class a snapshot of another process of the same Node.js version', () => {
    const other = graphFromJson(readJsonSnapshot(realSnapshot('22.14.0')));
    const across = diffSnapshots(before, other);
    assert.equal(across.sameFormat, true);
    assert.equal(across.mode, 'class', across.modeReason);
  });
});

describe('diff across Node.js versions (20 against 24)', () => {
  const oldJson = readJsonSnapshot(realSnapshot('system'));
  const newJson = readJsonSnapshot(realSnapshot('24.21.0'));
  const old = graphFromJson(oldJson);
  const now = graphFromJson(newJson);

  it('diffs by class, with each side’s totals', () => {
    const diff = diffSnapshots(old, now);
    assert.equal(diff.mode, 'class');
    assert.equal(diff.ids, null);
    assert.equal(sum(diff.classes.map((entry) => entry.beforeCount)), old.nodeCount);
    assert.equal(sum(diff.classes.map((entry) => entry.afterCount)), now.nodeCount);
    assert.equal(sum(diff.classes.map((entry) => entry.beforeSize)), old.totalSelfSize);
    assert.equal(sum(diff.classes.map((entry) => entry.afterSize)), now.totalSelfSize);
    // The fixture's own classes exist on both with the same counts.
    for (const [className, count] of [
      ['Point', 200],
      ['Leaky', 100],
    ] as const) {
      const entry = diff.classes.find((row) => row.className === className)!;
      assert.deepEqual([entry.beforeCount, entry.afterCount, entry.countDelta], [count, count, 0]);
    }
    for (const [className, entry] of rawCensus(newJson).classes) {
      assert.equal(diff.classes.find((row) => row.className === className)!.afterCount, entry.count);
    }
  });

  it('can split V8 internals by their type name, keeping the totals', () => {
    const plain = diffSnapshots(old, now);
    const split = diffSnapshots(old, now, { internalsByName: true });
    assert.equal(sum(split.classes.map((entry) => entry.beforeCount)), old.nodeCount);
    assert.equal(sum(split.classes.map((entry) => entry.afterSize)), now.totalSelfSize);
    const find = (diff: typeof plain, className: string) =>
      diff.classes.find((row) => row.className === className);
    // Every node named `system / NativeContext` in the raw file, whatever its type, is one class.
    for (const [json, side] of [
      [oldJson, 'beforeCount'],
      [newJson, 'afterCount'],
    ] as const) {
      const nameIndex = json.strings.indexOf('system / NativeContext');
      const fields = json.snapshot.meta.node_fields;
      let count = 0;
      for (let node = 0; node < json.nodes.length; node += fields.length) {
        if (json.nodes[node + fields.indexOf('name')] === nameIndex) count++;
      }
      assert.ok(count >= 1);
      assert.equal(find(split, 'system / NativeContext')![side], count);
    }
    assert.ok(
      find(split, '(system)') === undefined ||
        find(split, '(system)')!.afterCount < find(plain, '(system)')!.afterCount,
    );
    // Object classes are unchanged.
    assert.deepEqual(find(split, 'Point'), find(plain, 'Point'));
  });

  it('refuses an id diff of snapshots of different formats', () => {
    if (JSON.stringify(oldJson.snapshot.meta) === JSON.stringify(newJson.snapshot.meta)) {
      assert.fail('Node 20 and 24 were expected to write different snapshot meta');
    }
    assert.throws(
      () => diffSnapshots(old, now, { by: 'id' }),
      (error: unknown) => error instanceof UserError && /different formats/.test(error.message),
    );
  });
});

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
