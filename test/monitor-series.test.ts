// The monitor's snapshot series on a real heap: this test process leaks a class of its own
// while the monitor's snapshot taker writes a series and analyses it in a child. The record
// must carry findings that `heapdrift report` renders like a run's; the disk used is counted
// in memory and read once at start; a series cut short says why it was not judged.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  analyseSnapshotSeries,
  type SeriesManifest,
  type SnapshotEvent,
  snapshotEventText,
} from '../src/monitor/index.js';
import { resolveMonitorOptions } from '../src/monitor/options.js';
import { SnapshotTaker } from '../src/monitor/snapshot-taker.js';
import type { RunRecord } from '../src/run/index.js';
import { repositoryRoot } from './helpers/monitor-service.js';

/** A bound on the whole series and its analysis (about 10 s on a quiet machine). */
const BOUND_MS = 240_000;
const COUNT = 7;

class MonitorSeriesLeak {
  constructor(
    readonly id: number,
    readonly payload: number[],
  ) {}
}

function sizeOf(directory: string): number {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((total, entry) => total + statSync(join(entry.parentPath, entry.name)).size, 0);
}

function renderReport(directory: string): string {
  return execFileSync(process.execPath, ['dist/src/cli/main.js', 'report', directory], {
    cwd: repositoryRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

describe('monitor snapshot series on a real heap', { timeout: BOUND_MS + 30_000 }, () => {
  let dir: string;
  let seriesDir: string;
  let record: RunRecord;
  const events: SnapshotEvent[] = [];
  let taker: SnapshotTaker;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heapdrift-monitor-series-'));
    // Something already in the directory (an earlier run's), counted once at start.
    writeFileSync(join(dir, 'earlier.bin'), Buffer.alloc(4096), { mode: 0o600 });
    const options = resolveMonitorOptions({
      snapshots: { dir, count: COUNT, every: 300, keep: true, maxBytes: 2 * 1024 ** 3 },
    }).snapshots!;
    // The leak: objects kept forever, steadily, while the series is taken.
    const kept: MonitorSeriesLeak[] = [];
    (globalThis as { monitorSeriesLeak?: unknown }).monitorSeriesLeak = kept;
    let id = 0;
    const leak = setInterval(() => {
      for (let i = 0; i < 300; i++) kept.push(new MonitorSeriesLeak(id, [id++]));
    }, 20);
    taker = new SnapshotTaker(options, (event) => events.push(event));
    taker.onSuspicion();
    const deadline = Date.now() + BOUND_MS;
    while (
      !events.some((event) => event.type === 'analysed' || event.type === 'failed') &&
      Date.now() < deadline
    )
      await new Promise((resolve) => setTimeout(resolve, 100));
    clearInterval(leak);
    const analysed = events.find((event) => event.type === 'analysed');
    assert.ok(analysed, JSON.stringify(events));
    seriesDir = analysed.directory;
    record = JSON.parse(readFileSync(analysed.recordFile, 'utf8')) as RunRecord;
  });

  after(async () => {
    await taker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('saves findings in the record, naming the leaking class, and the report renders them', () => {
    assert.equal(record.status, 'complete');
    assert.equal(record.snapshots.length, COUNT);
    assert.equal(record.verdict, 'leak', record.verdictReason);
    assert.ok(record.findings && record.findings.length > 0, 'the record carries findings');
    const leak = record.findings.find((finding) => JSON.stringify(finding).includes('MonitorSeriesLeak'));
    assert.ok(leak, JSON.stringify(record.findings.map((finding) => finding.summary)));
    const report = renderReport(seriesDir);
    assert.match(report, /Findings? /);
    assert.ok(report.includes(leak.summary), `the report shows the finding "${leak.summary}"`);
  });

  it('writes the series private: files 0600 in a 0700 directory', () => {
    assert.equal(statSync(seriesDir).mode & 0o777, 0o700);
    const files = readdirSync(seriesDir);
    assert.equal(files.filter((file) => file.endsWith('.heapsnapshot')).length, COUNT);
    for (const file of files) assert.equal(statSync(join(seriesDir, file)).mode & 0o777, 0o600, file);
  });

  it('counts the disk it used in memory, and a restart reads what is there once', () => {
    const onDisk = sizeOf(dir);
    assert.equal(taker.status().diskBytes, onDisk);
    const options = resolveMonitorOptions({ snapshots: { dir, maxBytes: onDisk + 1024 } }).snapshots!;
    const restarted = new SnapshotTaker(options, () => {});
    assert.equal(restarted.status().diskBytes, onDisk);
  });

  it('a series cut short is recorded as not judged, saying why and what a verdict needs', async () => {
    const shortDir = join(dir, 'short');
    rmSync(shortDir, { recursive: true, force: true });
    mkdirSync(shortDir, { mode: 0o700 });
    const manifest = JSON.parse(readFileSync(join(seriesDir, 'series.json'), 'utf8')) as SeriesManifest;
    manifest.snapshots = manifest.snapshots.slice(0, 3);
    manifest.stopped =
      'not taking a heap snapshot: the 4 snapshots left of this series would pass the disk quota';
    for (const snapshot of manifest.snapshots)
      copyFileSync(join(seriesDir, snapshot.file), join(shortDir, snapshot.file));
    writeFileSync(join(shortDir, 'series.json'), JSON.stringify(manifest), { mode: 0o600 });
    const short = await analyseSnapshotSeries(shortDir);
    assert.equal(short.verdict, 'incomplete');
    assert.equal(short.status, 'incomplete');
    assert.equal(
      short.verdictReason,
      `not judged: the series stopped after 3 of ${COUNT} snapshots (${manifest.stopped}); a verdict needs at least 7 (a baseline and 6 judged)`,
    );
    const line = snapshotEventText({
      type: 'analysed',
      directory: shortDir,
      recordFile: join(shortDir, 'run.json'),
      verdict: short.verdict,
      reason: short.verdictReason,
      growingClasses: [],
      growingStructures: [],
    });
    assert.ok(line.includes(`incomplete (${short.verdictReason})`), line);
    assert.match(renderReport(shortDir), /not judged: the series stopped after 3 of 7 snapshots/);
  });
});
