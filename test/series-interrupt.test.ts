// Ctrl-C during `heapdrift series`, in a real child process over real snapshots: the first
// SIGINT ends the series after the snapshot being read with run.json final (`incomplete`,
// what was judged so far) and exit 2 as `run` and `attach`; a second one leaves at once (130).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunRecord } from '../src/run/index.js';
import { nodeBinary } from './helpers/node-binaries.js';
import { snapshotFiles, writtenSeries } from './helpers/watched-service.js';

const SNAPSHOTS = 5;
/**
 * Extra objects in the service's heap: snapshots of about 18 MB take long enough to read (a
 * few tenths of a second) that the second SIGINT lands while the child still reads one.
 */
const BALLAST = '150000';
const cli = new URL('../src/cli/main.js', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'heapdrift-series-sigint-'));

interface Interrupted {
  status: number | null;
  stdout: string;
  stderr: string;
  /** run.json as saved on disk. */
  saved: RunRecord;
}

/**
 * Runs `heapdrift series` and sends SIGINT when stderr first shows the progress line of the
 * first measured snapshot; with `twice`, again when it acknowledges the first.
 */
async function interruptSeries(
  dir: string,
  twice: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Interrupted> {
  const runsDir = mkdtempSync(join(scratch, 'runs-'));
  const child = spawn(process.execPath, [cli, 'series', dir, '--json', '--runs-dir', runsDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let stdout = '';
  let stderr = '';
  let sent = 0;
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (sent === 0 && /snapshot 1\//.test(stderr)) {
      sent = 1;
      child.kill('SIGINT');
    } else if (twice && sent === 1 && /SIGINT: stopping/.test(stderr)) {
      sent = 2;
      child.kill('SIGINT');
    }
  });
  const [status] = await once(child, 'close');
  const entries = readdirSync(runsDir);
  assert.equal(entries.length, 1, stderr);
  const files = readdirSync(join(runsDir, entries[0]!));
  // Only the record itself: no temporary file left half-written.
  assert.deepEqual(files, ['run.json']);
  const saved = JSON.parse(readFileSync(join(runsDir, entries[0]!, 'run.json'), 'utf8')) as RunRecord;
  return { status: status as number | null, stdout, stderr, saved };
}

function assertInterruptedRecord(record: RunRecord): void {
  assert.equal(record.kind, 'series');
  assert.equal(record.status, 'incomplete');
  assert.equal(record.verdict, 'incomplete');
  assert.match(
    record.verdictReason,
    /the series ended early \(interrupted\) after \d+ snapshots?; verdict so far: /,
  );
  assert.ok(record.snapshots.length >= 1, 'the snapshot measured before Ctrl-C is kept');
  assert.ok(record.snapshots.length < SNAPSHOTS, `stopped early, not after all ${SNAPSHOTS}`);
}

describe('series interrupted by Ctrl-C', () => {
  let dir = '';
  before(async () => {
    dir = await writtenSeries(nodeBinary('system'), 'map-leak', SNAPSHOTS, { BALLAST });
    assert.equal(snapshotFiles(dir).length, SNAPSHOTS);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  test('one SIGINT: run.json and the --json output say incomplete (interrupted), exit 2', async () => {
    const result = await interruptSeries(dir, false);
    assert.equal(result.status, 2, result.stderr);
    const printed = JSON.parse(result.stdout) as RunRecord;
    assertInterruptedRecord(printed);
    assert.deepEqual(result.saved, printed);
  });

  test('a second SIGINT leaves at once (exit 130), run.json already final', async () => {
    // Measured in the series' own process: the snapshot being read keeps it busy after the
    // first SIGINT, long enough for the second to land. With a child per file, the first one
    // kills the child and the series leaves (exit 2) within milliseconds: no window to test.
    const result = await interruptSeries(dir, true, { ...process.env, HEAPDRIFT_SERIES_CHILDREN: 'off' });
    assert.equal(result.status, 130, result.stderr);
    assert.equal(result.stdout, '');
    assertInterruptedRecord(result.saved);
  });
});
