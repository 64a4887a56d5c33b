// `heapdrift summary` as users run it: a real child process on a real snapshot, checked
// against the library run on the reference (JSON.parse) reading of the same file.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { computeDominators, summarizeClasses } from '../src/analysis/index.js';
import { graphFromJsonFile } from './helpers/json-graph.js';
import { realSnapshot } from './helpers/snapshots.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, 'summary', ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface SummaryJson {
  schemaVersion: number;
  kind: string;
  file: string;
  nodeCount: number;
  edgeCount: number;
  totalSelfSize: number;
  unreachableCount: number;
  classCount: number;
  top: number;
  classes: {
    className: string;
    count: number;
    selfSize: number;
    retainedSize: number;
    topInstances: { id: number; selfSize: number; retainedSize: number }[];
  }[];
}

describe('heapdrift summary', () => {
  const file = realSnapshot('24.21.0');

  test('--json: versioned schema, the same classes as the library on an independent reading', () => {
    const { code, stdout, stderr } = run(file, '--json', '--top', '7');
    assert.equal(code, 0, stderr);
    const output = JSON.parse(stdout) as SummaryJson;
    const graph = graphFromJsonFile(file);
    const tree = computeDominators(graph);
    const expected = summarizeClasses(graph, tree, { topInstanceCount: 3 });
    assert.equal(output.schemaVersion, 1);
    assert.equal(output.kind, 'summary');
    assert.equal(output.file, file);
    assert.equal(output.nodeCount, graph.nodeCount);
    assert.equal(output.edgeCount, graph.edgeCount);
    assert.equal(output.totalSelfSize, graph.totalSelfSize);
    assert.equal(output.unreachableCount, tree.unreachableCount);
    assert.equal(output.classCount, expected.classes.length);
    assert.equal(output.classes.length, 7);
    assert.deepEqual(
      output.classes.map(({ className, count, selfSize, retainedSize }) => ({
        className,
        count,
        selfSize,
        retainedSize,
      })),
      expected.classes.slice(0, 7).map(({ className, count, selfSize, retainedSize }) => ({
        className,
        count,
        selfSize,
        retainedSize,
      })),
    );
    for (let index = 1; index < output.classes.length; index++) {
      assert.ok(output.classes[index - 1]!.retainedSize >= output.classes[index]!.retainedSize, 'sorted');
    }
    for (const entry of output.classes) {
      assert.ok(entry.topInstances.length >= 1 && entry.topInstances.length <= 3);
      const sizes = entry.topInstances.map((instance) => instance.retainedSize);
      assert.deepEqual(
        sizes,
        [...sizes].sort((a, b) => b - a),
        'largest instances first',
      );
      for (const instance of entry.topInstances) assert.ok(graph.findNodeById(instance.id) >= 0);
    }
    // Every object but the root is in exactly one class.
    const all = summarizeClasses(graph, tree, { topInstanceCount: 0 });
    assert.equal(
      all.classes.reduce((sum, entry) => sum + entry.count, 0),
      graph.nodeCount - 1,
    );
  });

  test('text: a table with a header, one row per class, and no string contents', () => {
    const { code, stdout } = run(file, '--top', '5');
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /Class\s+Count\s+Self size\s+Retained size/);
    assert.equal(lines.length, 1 + 5 + 1);
    assert.match(lines.at(-1)!, /nodes, \d+ classes/);
    // The fixture's strings (e.g. 'quote " and backslash') never appear.
    assert.doesNotMatch(stdout, /backslash|émoji|newline/);
  });

  test('bad input: one line on stderr, exit code 2', () => {
    for (const args of [[file, '--top', '0'], [file, '--top', 'many'], ['/no/such/file.heapsnapshot']]) {
      const { code, stdout, stderr } = run(...args);
      assert.equal(code, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
      assert.match(stderr, /^heapdrift: /);
    }
  });
});
