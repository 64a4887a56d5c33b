// `heapdrift series` on snapshots written by old Node versions (12 to 18: older V8 snapshot
// formats, no `node:` requires, `--heapsnapshot-signal` from 12), by a real leaking and a real
// stable service. The default suite runs Node 12, the oldest; `npm run test:old-node` adds 14, 16
// and 18 (the binaries come from the npm registry's node-<os>-<arch> packages, as everywhere).

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import type { RunRecord, SeriesSource } from '../src/run/index.js';
import { nodeBinary } from './helpers/node-binaries.js';
import { heapdrift, signalledSeries, writtenSeries } from './helpers/watched-service.js';

const runsDir = mkdtempSync(join(tmpdir(), 'heapdrift-series-old-runs-'));
const EXTRA_VERSIONS = ['14.21.3', '16.20.2', '18.20.8'];
const versions = ['12.22.12', ...(process.env.HEAPDRIFT_TEST_OLD_NODES ? EXTRA_VERSIONS : [])];

async function judge(dir: string): Promise<{ status: number | null; record: RunRecord; stderr: string }> {
  const result = await heapdrift(['series', dir, '--runs-dir', runsDir, '--quiet', '--json']);
  return { status: result.status, record: JSON.parse(result.stdout) as RunRecord, stderr: result.stderr };
}

for (const version of versions) {
  describe(`series on snapshots written by Node ${version}`, () => {
    test('a leaking service snapshotted with --heapsnapshot-signal: leak, LeakySession named', async () => {
      const dir = await signalledSeries(nodeBinary(version), 'map-leak', 8);
      const { status, record, stderr } = await judge(dir);
      assert.equal(status, 1, stderr);
      assert.equal(record.verdict, 'leak', record.verdictReason);
      assert.equal(record.runtime.version, version);
      assert.match(record.runtime.v8Version ?? '', /^\d+\.\d+\.\d+/);
      const source = record.source as SeriesSource;
      assert.equal(source.order, 'name');
      assert.ok(
        source.files.every((file) => file.judged && /^Heap\.\d{8}\.\d{6}\./.test(basename(file.file))),
      );
      assert.ok(
        record.classes.some((entry) => entry.className === 'LeakySession' && entry.verdict === 'growing'),
        JSON.stringify(record.classes.map((entry) => [entry.className, entry.verdict])),
      );
    });

    test('a stable service snapshotted with v8.writeHeapSnapshot: no leak, exit 0', async () => {
      const dir = await writtenSeries(nodeBinary(version), 'churn-objects', 9);
      const { status, record, stderr } = await judge(dir);
      assert.equal(status, 0, stderr);
      assert.equal(record.verdict, 'no-leak', record.verdictReason);
      assert.equal(record.snapshots.length, 9);
    });
  });
}
