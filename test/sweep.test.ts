// A small real sweep (two scenarios × three runtimes) as CI would run it: two shards merged with
// `heapdrift merge`, then the unsharded sweep over the same results cache, which must run
// nothing and give the merged verdicts cell for cell.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { SweepRecord } from '../src/run/index.js';
import { testCacheDir } from './helpers/node-binaries.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'heapdrift-sweep-'));
// retained-maps leaks on 22.14.0 only; timer-primitive was fixed before all three.
const plan = ['--scenarios', 'retained-maps,timer-primitive', '--versions', '22.14.0,24.21.0,26.10.0'];
const schedule = ['--snapshots', '8'];

function heapdrift(args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args, '--runs-dir', join(work, 'runs')], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A sweep with its own results cache (runtimes from the tests' shared cache). */
function sweep(args: string[], resultsDir: string) {
  return heapdrift([
    'sweep',
    ...plan,
    ...schedule,
    ...args,
    '--cache-dir',
    testCacheDir,
    '--results-dir',
    resultsDir,
  ]);
}

const verdicts = (record: SweepRecord) =>
  record.cells.map((cell) => `${cell.scenario}@${cell.version}=${cell.verdict}`);

describe('sweep, shards and merge on real runtimes', () => {
  let unsharded: SweepRecord;
  let merged: SweepRecord;
  const shardFiles: string[] = [];
  const resultsDir = join(work, 'results');

  // The runs happen once, as two shards (what CI runners do); the unsharded sweep then reads
  // the same results cache. So every cell is measured once (six runs, not twelve), and the
  // unsharded sweep still plans and orders all six cells itself.
  test('two shards split the cells, each running its own; merge joins them in plan order', () => {
    for (const shard of ['1/2', '2/2']) {
      const result = sweep(['--shard', shard, '--json', '--quiet'], resultsDir);
      assert.equal(result.status, 0, result.stderr);
      const record = JSON.parse(result.stdout) as SweepRecord;
      assert.equal(record.cells.length, 3);
      assert.ok(record.cells.every((cell) => !cell.cached));
      shardFiles.push(join(record.directory, 'sweep.json'));
    }
    const result = heapdrift([
      'merge',
      shardFiles[1]!,
      shardFiles[0]!,
      '--json',
      '--markdown',
      join(work, 'sweep.md'),
    ]);
    assert.equal(result.status, 0, result.stderr);
    merged = JSON.parse(result.stdout) as SweepRecord;
    assert.equal(merged.kind, 'sweep');
    assert.equal(merged.shard, undefined);
    assert.equal(merged.cells.length, 6);
    const cell = (scenario: string, version: string) =>
      merged.cells.find((item) => item.scenario === scenario && item.version === version)!;
    assert.equal(
      cell('retained-maps', '22.14.0').verdict,
      'leak',
      cell('retained-maps', '22.14.0').verdictReason,
    );
    assert.equal(cell('retained-maps', '22.14.0').growing, 'NativeContext > retained_maps');
    for (const version of ['24.21.0', '26.10.0'])
      assert.equal(cell('retained-maps', version).verdict, 'no-leak');
    const markdown = readFileSync(join(work, 'sweep.md'), 'utf8');
    assert.match(markdown, /^\| 22\.14\.0 \| \*\*LEAK\*\* \| no leak \|$/m);
    assert.match(markdown, /known: Node 22\.14\.0, `retained-maps` — retained-maps \(fixed in 22\.15\.0\)/);
  });

  test('the unsharded sweep over the same results cache runs nothing and equals the merge', () => {
    const result = sweep(['--json', '--quiet'], resultsDir);
    assert.equal(result.status, 0, result.stderr); // known leaks only
    unsharded = JSON.parse(result.stdout) as SweepRecord;
    assert.equal(unsharded.kind, 'sweep');
    assert.ok(unsharded.cells.every((cell) => cell.cached));
    assert.deepEqual(verdicts(unsharded), verdicts(merged));
    const sweepFile = join(unsharded.directory, 'sweep.json');
    assert.equal(statSync(sweepFile).mode & 0o777, 0o600);
    assert.deepEqual(verdicts(JSON.parse(readFileSync(sweepFile, 'utf8'))), verdicts(unsharded));
  });

  test('merge refuses shards that do not belong together, with one line and exit 2', () => {
    const refuse = (args: string[], pattern: RegExp) => {
      const result = heapdrift(['merge', ...args]);
      assert.equal(result.status, 2, result.stdout);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    };
    refuse(
      [shardFiles[0]!],
      /^heapdrift: ERR_HEAPDRIFT_MERGE: merge: shard 2\/2 missing: give every shard\n$/,
    );
    refuse([shardFiles[0]!, shardFiles[0]!], /shard 1\/2 is also in/);
    refuse([shardFiles[0]!, join(unsharded.directory, 'sweep.json')], /not a shard \(made without --shard\)/);
  });
});
