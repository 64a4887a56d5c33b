// `heapdrift series` end to end on snapshots written by real services (Node 20 and 24): the
// same verdicts `run` gives on the same scenarios (map-leak leaks, churn-objects does not,
// see run-e2e), Node's --heapsnapshot-signal names, mixed processes, a damaged file.

import assert from 'node:assert/strict';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { RunRecord, SeriesSource } from '../src/run/index.js';
import { nodeBinary } from './helpers/node-binaries.js';
import { heapdrift, signalledSeries, snapshotFiles, writtenSeries } from './helpers/watched-service.js';

const runsDir = mkdtempSync(join(tmpdir(), 'heapdrift-series-runs-'));

function seriesOf(paths: string[], ...flags: string[]) {
  return heapdrift(['series', ...paths, '--runs-dir', runsDir, '--quiet', ...flags]);
}

function recordOf(stdout: string): RunRecord {
  return JSON.parse(stdout) as RunRecord;
}

describe('series on snapshots of real services', () => {
  let leaking24 = '';
  let stable20 = '';
  before(async () => {
    leaking24 = await writtenSeries(nodeBinary('24.21.0'), 'map-leak', 9);
    stable20 = await writtenSeries(nodeBinary('system'), 'churn-objects', 9);
  });

  test('a leaking service on Node 24: leak, exit 1, LeakySession named, ordered by mtime', async () => {
    const result = await seriesOf([leaking24], '--json');
    assert.equal(result.status, 1, result.stderr);
    const record = recordOf(result.stdout);
    assert.equal(record.kind, 'series');
    assert.equal(record.verdict, 'leak', record.verdictReason);
    assert.equal(record.status, 'complete');
    assert.equal(record.runtime.version, '24.21.0');
    assert.equal(record.snapshots.length, 9);
    const source = record.source as SeriesSource;
    assert.equal(source.order, 'mtime');
    assert.deepEqual(
      source.files.map((file) => basename(file.file)),
      snapshotFiles(leaking24).map((file) => basename(file)),
    );
    assert.ok(
      record.classes.some((entry) => entry.className === 'LeakySession' && entry.verdict === 'growing'),
    );
    assert.equal(statSync(join(record.directory, 'run.json')).mode & 0o777, 0o600);
  });

  test('a stable service on Node 20: no leak, exit 0; its report renders', async () => {
    const result = await seriesOf([stable20], '--json');
    assert.equal(result.status, 0, result.stderr);
    const record = recordOf(result.stdout);
    assert.equal(record.verdict, 'no-leak', record.verdictReason);
    assert.equal(record.runtime.version, process.versions.node);
    const report = await heapdrift(['report', record.directory, '--format', 'md']);
    assert.equal(report.status, 0, report.stderr);
    assert.match(report.stdout, /series of existing snapshots/);
  });

  test('snapshots of two processes are refused in one line, nothing saved; --allow-mixed judges them', async () => {
    const mixed = mkdtempSync(join(tmpdir(), 'heapdrift-mixed-'));
    for (const [index, file] of [
      ...snapshotFiles(leaking24).slice(0, 3),
      ...snapshotFiles(stable20).slice(0, 3),
    ].entries())
      copyFileSync(file, join(mixed, `copy-${index}.heapsnapshot`));
    const before = readdirSync(runsDir).length;
    const refused = await seriesOf([mixed]);
    assert.equal(refused.status, 2);
    assert.match(
      refused.stderr,
      /^heapdrift: (ERR_\w+: )?these snapshots are not from one process: .*--allow-mixed.*\n$/,
    );
    assert.equal(readdirSync(runsDir).length, before, 'a refused series leaves no record');
    const allowed = await seriesOf([mixed], '--allow-mixed', '--json');
    const record = recordOf(allowed.stdout);
    assert.match((record.source as SeriesSource).mixed ?? '', /another process|different Node/);
    assert.equal(record.snapshots.length, 6);
  });

  /** Copies the leaking series, damages one file, and checks that series skips and names it. */
  async function judgeWithDamaged(index: number, damage: (file: string) => void): Promise<string> {
    const damaged = mkdtempSync(join(tmpdir(), 'heapdrift-damaged-'));
    const files = snapshotFiles(leaking24);
    for (const file of files) copyFileSync(file, join(damaged, basename(file)));
    const middle = join(damaged, basename(files[index]!));
    damage(middle);
    const result = await seriesOf([damaged], '--json');
    assert.equal(result.status, 1, result.stderr);
    const record = recordOf(result.stdout);
    assert.equal(record.snapshots.length, files.length - 1);
    const skipped = (record.source as SeriesSource).files.filter((file) => file.skipped);
    assert.deepEqual(
      skipped.map((file) => file.file),
      [middle],
    );
    assert.match(record.verdictReason, /skipped 1 unreadable snapshot/);
    return skipped[0]!.skipped!;
  }

  test('a truncated file in the middle is skipped and named; the rest is judged', async () => {
    const reason = await judgeWithDamaged(3, (file) =>
      truncateSync(file, Math.floor(statSync(file).size / 2)),
    );
    assert.match(reason, /truncated/);
  });

  test('a file garbled in the middle (size unchanged) is skipped and named; the rest is judged', async () => {
    // Letters over 4 KiB of the numbers at 40 % of the file: the JSON no longer parses.
    await judgeWithDamaged(4, (file) => {
      const handle = openSync(file, 'r+');
      writeSync(handle, Buffer.alloc(4096, 'x'), 0, 4096, Math.floor(statSync(file).size * 0.4));
      closeSync(handle);
    });
  });
});

describe('series on snapshots of more objects than the process check keeps', () => {
  test('one process is judged; a snapshot of another process among them is refused', async () => {
    // 100k extra objects: more than the sample the check keeps of each snapshot (65,536).
    const ballast = { BALLAST: '100000' };
    const one = await writtenSeries(nodeBinary('system'), 'map-leak', 3, ballast);
    const other = await writtenSeries(nodeBinary('system'), 'churn-objects', 1, ballast);
    const judged = await seriesOf([one], '--json');
    const record = recordOf(judged.stdout);
    assert.equal(record.snapshots.length, 3, judged.stderr);
    assert.equal((record.source as SeriesSource).mixed, null);
    const mixed = mkdtempSync(join(tmpdir(), 'heapdrift-mixed-large-'));
    for (const [index, file] of [...snapshotFiles(one).slice(0, 2), ...snapshotFiles(other)].entries())
      copyFileSync(file, join(mixed, `copy-${index}.heapsnapshot`));
    const refused = await seriesOf([mixed]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /copy-2\.heapsnapshot .*: another process/);
    for (const dir of [one, other, mixed]) rmSync(dir, { recursive: true, force: true });
  });
});

describe('series on --heapsnapshot-signal snapshots', () => {
  test('Node 20 names (Heap.<date>.<time>.<pid>…) order the series; a leaking service is a leak', async () => {
    const dir = await signalledSeries(nodeBinary('system'), 'map-leak', 8);
    const result = await seriesOf([dir], '--json');
    assert.equal(result.status, 1, result.stderr);
    const record = recordOf(result.stdout);
    const source = record.source as SeriesSource;
    assert.equal(source.order, 'name');
    assert.ok(
      source.files.every((file) =>
        /^Heap\.\d{8}\.\d{6}\.\d+\.0\.\d{3}\.heapsnapshot$/.test(basename(file.file)),
      ),
    );
    assert.equal(record.verdict, 'leak', record.verdictReason);
  });
});

describe('series: bad input', () => {
  test('no snapshot files, a missing path, a bad --order: one line, exit 2', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'heapdrift-empty-'));
    for (const [args, pattern] of [
      [[empty], /no \.heapsnapshot files here/],
      [[join(empty, 'missing')], /no such file or directory/],
      [[empty, '--order', 'size'], /--order "size": expected name or mtime/],
    ] as const) {
      const result = await seriesOf([...args]);
      assert.equal(result.status, 2);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
    assert.equal(existsSync(join(empty, 'missing')), false);
  });
});
