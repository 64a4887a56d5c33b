// `series` measures each snapshot in a child process of its own: on real snapshots of real
// services, the record is the one the in-process path writes (timings aside), and a child
// killed in the middle of a file costs that file only, named in one line.

import assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunRecord, SeriesSource } from '../src/run/index.js';
import { nodeBinary } from './helpers/node-binaries.js';
import { heapdrift, snapshotFiles, writtenSeries } from './helpers/watched-service.js';

const scratch = mkdtempSync(join(tmpdir(), 'heapdrift-series-children-'));

interface SeriesRun {
  status: number | null;
  stdout: string;
  stderr: string;
  record: RunRecord;
}

/**
 * `heapdrift series <dir> --json` with `HEAPDRIFT_SERIES_CHILDREN=<mode>`; `whileRunning` gets
 * the CLI's pid once it started.
 */
async function series(
  dir: string,
  mode: 'off' | 'on',
  flags: string[] = [],
  whileRunning?: (pid: number) => Promise<void>,
): Promise<SeriesRun> {
  const runsDir = mkdtempSync(join(scratch, `runs-${mode}-`));
  const { status, stdout, stderr } = await heapdrift(
    ['series', dir, '--json', '--runs-dir', runsDir, ...flags],
    { env: { ...process.env, HEAPDRIFT_SERIES_CHILDREN: mode }, whileRunning },
  );
  const entries = readdirSync(runsDir);
  assert.equal(entries.length, 1, stderr);
  const record = JSON.parse(readFileSync(join(runsDir, entries[0]!, 'run.json'), 'utf8')) as RunRecord;
  return { status, stdout, stderr, record };
}

/** A record without what differs from run to run: times, durations, where it was saved (id, directory, command). */
function withoutTimings(record: RunRecord): unknown {
  return {
    ...record,
    id: null,
    directory: null,
    command: null,
    startedAt: null,
    endedAt: null,
    wallMs: null,
    snapshots: record.snapshots.map((row) => ({ ...row, parseMs: null, analysisMs: null })),
  };
}

function warningsOf(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.includes('skipped'));
}

/** Processes whose parent is `pid` (from /proc: no tool needed). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state, then the parent's pid.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) found.push(Number(entry));
    } catch {
      // It exited meanwhile.
    }
  }
  return found;
}

function hasOpen(pid: number, file: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** SIGKILLs the child of `pid` that reads `file`, once it has it open; the pid killed. */
async function killReaderOf(pid: number, file: string): Promise<number> {
  for (let waited = 0; waited < 120_000; waited += 10) {
    const reader = childrenOf(pid).find((child) => hasOpen(child, file));
    if (reader !== undefined) {
      process.kill(reader, 'SIGKILL');
      return reader;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no child of ${pid} opened ${file}`);
}

describe('series measures each snapshot in a child process', () => {
  let leaking = '';
  let large = '';
  before(async () => {
    leaking = await writtenSeries(nodeBinary('system'), 'map-leak', 10);
    // A truncated file among them: the skip and its message must come out the same way too.
    const files = snapshotFiles(leaking);
    truncateSync(files[5]!, Math.floor(statSync(files[5]!).size / 2));
    // Snapshots of about 18 MB: read long enough (tenths of a second) to be caught reading.
    large = await writtenSeries(nodeBinary('system'), 'map-leak', 5, { BALLAST: '150000' });
  });
  after(() => {
    for (const dir of [leaking, large, scratch]) rmSync(dir, { recursive: true, force: true });
  });

  test('the record is the in-process one, timings aside', async () => {
    const flags = ['--track', 'Map > table'];
    const inProcess = await series(leaking, 'off', flags);
    assert.equal(inProcess.record.status, 'complete', inProcess.stderr);
    assert.equal(inProcess.record.snapshots.length, 9);
    assert.equal(inProcess.record.verdict, 'leak', inProcess.record.verdictReason);
    assert.ok(inProcess.record.structures.length > 0);
    assert.ok(inProcess.record.tracks[0]!.measurements.selfSize.every((value) => value > 0));
    const inChildren = await series(leaking, 'on', flags);
    assert.equal(inChildren.status, inProcess.status, inChildren.stderr);
    assert.deepEqual(withoutTimings(inChildren.record), withoutTimings(inProcess.record));
    assert.deepEqual(warningsOf(inChildren.stderr), warningsOf(inProcess.stderr));
  });

  test('a child killed while it reads a file: that file is skipped and named in one line, the rest judged', async () => {
    const files = snapshotFiles(large);
    const victim = files[2]!;
    let killed = 0;
    const run = await series(large, 'on', [], async (pid) => {
      killed = await killReaderOf(pid, victim);
    });
    assert.ok(killed > 0);
    assert.equal((JSON.parse(run.stdout) as RunRecord).status, 'complete', run.stderr);
    const record = run.record;
    assert.equal(record.status, 'complete');
    assert.equal(record.snapshots.length, files.length - 1);
    const source = record.source as SeriesSource;
    assert.deepEqual(
      source.files.filter((file) => file.skipped).map((file) => [basename(file.file), file.skipped]),
      [[basename(victim), 'the measuring process was killed (SIGKILL)']],
    );
    assert.ok(source.files.filter((file) => file.file !== victim).every((file) => file.judged));
    const warnings = run.stderr.split('\n').filter((line) => line.includes(victim));
    assert.equal(warnings.length, 1, run.stderr);
    assert.match(warnings[0]!, /skipped .*: the measuring process was killed \(SIGKILL\)$/);
    // The same file whole, copied elsewhere, is judged: it was the child, not the file.
    const copy = mkdtempSync(join(scratch, 'copy-'));
    copyFileSync(victim, join(copy, basename(victim)));
    const alone = await series(copy, 'on');
    assert.equal((alone.record.source as SeriesSource).files[0]!.judged, true, alone.stderr);
  });
});
