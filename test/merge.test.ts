// `heapdrift merge` on real matrix shards (short runs on real runtimes): shards of one matrix
// join into a record of kind "matrix" with its runs in --node order; shards of different
// scenarios or schema versions, and files that are no record at all, are one line and exit 2.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { MatrixRecord } from '../src/run/index.js';
import { testCacheDir } from './helpers/node-binaries.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'heapdrift-merge-'));

function heapdrift(args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args, '--runs-dir', join(work, 'runs')], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function matrixShard(scenario: string, shard: string): MatrixRecord {
  const args = ['matrix', scenario, '--node', '24.21.0,26.10.0', '--shard', shard, '--snapshots', '6'];
  const result = heapdrift([...args, '--cache-dir', testCacheDir, '--json', '--quiet', '--report-only']);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as MatrixRecord;
}

function oneLineRefusal(args: string[], pattern: RegExp): void {
  const result = heapdrift(['merge', ...args]);
  assert.equal(result.status, 2, result.stdout);
  assert.match(result.stderr, pattern);
  assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, result.stderr);
}

describe('merge of matrix shards', () => {
  const first = matrixShard('map-leak', '1/2');
  const second = matrixShard('map-leak', '2/2');
  const files = [first, second].map((record) => join(record.directory, 'matrix.json'));

  test('each shard ran its share of --node and says which shard it is', () => {
    assert.deepEqual(first.shard, { index: 1, count: 2 });
    assert.deepEqual(
      [first, second].map((record) => record.runs.map((run) => run.runtime.version)),
      [['24.21.0'], ['26.10.0']],
    );
  });

  test('the merged record is an ordinary matrix of both runs, in --node order', () => {
    const result = heapdrift(['merge', files[1]!, first.directory, '--json']);
    const merged = JSON.parse(result.stdout) as MatrixRecord;
    assert.equal(merged.kind, 'matrix');
    assert.equal(merged.shard, undefined);
    assert.deepEqual(
      merged.runs.map((run) => run.runtime.version),
      ['24.21.0', '26.10.0'],
    );
    assert.equal(result.status, merged.runs.some((run) => run.verdict === 'leak') ? 1 : 2, result.stderr);
    assert.doesNotMatch(merged.command, /--shard/);
    const saved = JSON.parse(readFileSync(join(merged.directory, 'matrix.json'), 'utf8')) as MatrixRecord;
    assert.deepEqual(
      saved.runs.map((run) => run.id),
      merged.runs.map((run) => run.id),
    );
  });

  test('shards of different scenarios are refused', () => {
    const other = matrixShard('bounded-cache', '2/2');
    oneLineRefusal(
      [files[0]!, join(other.directory, 'matrix.json')],
      /^heapdrift: ERR_HEAPDRIFT_MERGE: merge: .*: scenario "bounded-cache", but .* has "map-leak": not shards of one run\n$/,
    );
  });

  test('shards of different schema versions are refused', () => {
    const newer = join(work, 'newer.json');
    writeFileSync(newer, JSON.stringify({ ...second, schemaVersion: 2 }));
    oneLineRefusal(
      [files[0]!, newer],
      /newer.json: schemaVersion 2 is newer than this heapdrift reads \(1\)/,
    );
    const older = join(work, 'older.json');
    writeFileSync(older, JSON.stringify({ ...second, schemaVersion: 0 }));
    oneLineRefusal([files[0]!, older], /older.json: schemaVersion 0, but .* has 1: not shards of one run/);
  });

  test('files that are not shard records are refused', () => {
    const garbage = join(work, 'garbage.json');
    writeFileSync(garbage, '{"schemaVersion": 1, "kind": "matr');
    oneLineRefusal([files[0]!, garbage], /garbage.json: not valid JSON/);
    oneLineRefusal([files[0]!, join(work, 'missing.json')], /missing.json: no such file or directory/);
    oneLineRefusal([first.runs[0]!.directory], /no matrix.json or sweep.json here/);
  });
});
