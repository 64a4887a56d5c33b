// `heapdrift query` as users run it: a real child process on dist/src/cli/main.js reading a real
// Node 22.14.0 snapshot with the streaming reader; its --json must agree with the library run on
// the JSON.parse graph of the same file, and bad input must give one line and exit 2.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { computeDistances } from '../src/analysis/distances.js';
import { queryGraph } from '../src/analysis/query.js';
import { graphFromJsonFile } from './helpers/json-graph.js';
import { realSnapshot } from './helpers/snapshots.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function heapdrift(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${stderr}`);
  assert.match(lines[0]!, /^heapdrift: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

describe('heapdrift query (CLI)', () => {
  const file = realSnapshot('22.14.0');

  it('prints one versioned JSON object that matches the library', () => {
    const { code, stdout, stderr } = heapdrift('query', file, 'NativeContext > retained_maps', '--json');
    assert.equal(code, 0, stderr);
    const output = JSON.parse(stdout);
    assert.deepEqual(Object.keys(output), [
      'schemaVersion',
      'kind',
      'file',
      'pattern',
      'matchCount',
      'limit',
      'matches',
    ]);
    assert.equal(output.schemaVersion, 1);
    assert.equal(output.kind, 'query');
    assert.equal(output.pattern, 'NativeContext > retained_maps');
    const graph = graphFromJsonFile(file);
    const reference = queryGraph(graph, 'NativeContext > retained_maps', {
      distances: computeDistances(graph),
    });
    assert.ok(reference.matchCount >= 1);
    assert.equal(output.matchCount, reference.matchCount);
    for (const [i, match] of output.matches.entries()) {
      const { ordinal: _ordinal, retainedSize: _retained, ...expected } = reference.matches[i]!;
      const { retainedSize, ...actual } = match;
      assert.deepEqual(actual, expected);
      assert.equal(actual.name, 'system / WeakArrayList');
      // Nothing else holds the list: its retained size is its own size.
      assert.ok(typeof retainedSize === 'number' && retainedSize >= match.selfSize);
    }
  });

  it('prints matches with their paths for humans', () => {
    const { code, stdout } = heapdrift('query', file, 'NativeContext > retained_maps');
    assert.equal(code, 0);
    assert.match(stdout, /^1 match for NativeContext > retained_maps/);
    assert.match(
      stdout,
      /system \/ WeakArrayList @\d+ {2}self \d+ B {2}retained \d+ B {2}edges \d+ {2}entries \d+/,
    );
    // The path shown is the shortest retainer path, which need not be the queried one: in a fresh
    // process retained_maps is V8's shared empty list, which other structures hold too.
    const id = /system \/ WeakArrayList @(\d+)/.exec(stdout)![1];
    assert.match(
      stdout,
      new RegExp(`\\n  path: (global|\\(GC roots\\)) @\\d+ .*--> system / WeakArrayList @${id}\\n`),
    );
  });

  it('labels an empty result and exits 0', () => {
    const text = heapdrift('query', file, 'NoSuchThing > nothing');
    assert.equal(text.code, 0);
    assert.equal(text.stdout, '');
    assertOneLineError(text.stderr, /no match for "NoSuchThing > nothing"/);
    const json = heapdrift('query', file, 'NoSuchThing > nothing', '--json', '--limit', '3');
    assert.equal(json.code, 0);
    const output = JSON.parse(json.stdout);
    assert.equal(output.matchCount, 0);
    assert.deepEqual(output.matches, []);
    assert.equal(output.limit, 3);
  });

  it('rejects bad input with one line and exit 2', () => {
    const badPath = heapdrift('query', file, 'NativeContext >> retained_maps');
    assert.equal(badPath.code, 2);
    assertOneLineError(badPath.stderr, /<path> "NativeContext >> retained_maps": step 2 is empty/);
    const badLimit = heapdrift('query', file, 'x', '--limit', 'lots');
    assert.equal(badLimit.code, 2);
    assertOneLineError(badLimit.stderr, /--limit "lots"/);
    const missing = heapdrift('query', '/nonexistent/file.heapsnapshot', 'x');
    assert.equal(missing.code, 2);
    assertOneLineError(missing.stderr, /nonexistent\/file\.heapsnapshot/);
  });

  it('documents the grammar in --help', () => {
    const { code, stdout } = heapdrift('query', '--help');
    assert.equal(code, 0);
    for (const text of ['NativeContext > retained_maps', '**  or  …', 'edge:name', 'Exit codes']) {
      assert.ok(stdout.includes(text), text);
    }
  });
});
