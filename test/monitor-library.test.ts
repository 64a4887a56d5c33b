// The monitor as a library, in this process: the OpenTelemetry exporter through the SDK's
// in-memory exporter and periodic reader; the bounded series' memory; the online rule chain
// on the shapes it must tell apart; the snapshot quota; and bad options, in code and in the
// preload's environment variables (one line, exit 2).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { UserError } from '../src/errors.js';
import {
  BoundedSeries,
  DEFAULT_RULE_SETTINGS,
  decideOnline,
  gatherOnlineEvidence,
  registerOpenTelemetryMetrics,
  type SnapshotEvent,
  startMonitor,
} from '../src/monitor/index.js';
import { resolveMonitorOptions } from '../src/monitor/options.js';
import { SnapshotTaker } from '../src/monitor/snapshot-taker.js';
import { repositoryRoot } from './helpers/monitor-service.js';

const MIB = 1024 * 1024;

describe('monitor GC counts', () => {
  it('counts every collection by kind, as a PerformanceObserver sees the same ones', async () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as (options?: { type: string }) => void;
    const observed = { minor: 0, major: 0, total: 0 };
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = (entry as unknown as { detail: { kind: number } }).detail.kind;
        observed.total++;
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) observed.major++;
        if (kind === constants.NODE_PERFORMANCE_GC_MINOR) observed.minor++;
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    const monitor = startMonitor({ intervalMs: 60_000, warmupMs: 0 });
    // Real collections of both kinds: forced ones, and scavenges that garbage brings about.
    let keep: unknown[] = [];
    for (let round = 0; round < 30; round++) {
      keep = Array.from({ length: 50_000 }, (_, index) => ({ index, round }));
      if (round % 10 === 0) collect();
      if (round % 3 === 0) collect({ type: 'minor' });
    }
    assert.ok(keep.length > 0);
    await monitor.stop();
    // The observer's entries arrive after the collections: wait for them before disconnecting.
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    const counts = monitor.status().gc;
    assert.ok(observed.major >= 3 && observed.minor >= 10, JSON.stringify(observed));
    assert.equal(counts.major, observed.major);
    assert.equal(counts.minor, observed.minor);
    assert.equal(counts.total, observed.total);
    assert.ok(counts.pauseMs > 0);
  });
});

describe('monitor readings after major GCs', () => {
  it('follow what survives them: 40 MiB kept, then released', async () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const intervalMs = 40;
    const monitor = startMonitor({ intervalMs, warmupMs: 0 });
    const afterMajor = async () => {
      collect();
      // The observer's callback reads after the collection; the interval then records it.
      await new Promise((resolve) => setTimeout(resolve, 3 * intervalMs));
      return monitor.status().heapUsedAfterGc!;
    };
    const before = await afterMajor();
    // 40 MiB that survive every collection: one array of doubles, a large object in the heap
    // (a typed array's bytes would be outside it).
    let kept: number[][] = [new Array<number>((40 * MIB) / 8).fill(0.5)];
    const withKept = await afterMajor();
    kept = [];
    const released = await afterMajor();
    await monitor.stop();
    assert.equal(kept.length, 0);
    const grew = withKept - before;
    const fell = withKept - released;
    assert.ok(Math.abs(grew - 40 * MIB) < 4 * MIB, `grew by ${grew} bytes`);
    assert.ok(Math.abs(fell - 40 * MIB) < 4 * MIB, `fell by ${fell} bytes`);
    assert.ok(monitor.status().gc.major >= 3);
  });
});

describe('monitor OpenTelemetry exporter', () => {
  it('exports the gauges and the GC counter through the SDK in-memory exporter', async () => {
    const monitor = startMonitor({ intervalMs: 20, warmupMs: 0 });
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const registered = await registerOpenTelemetryMetrics(monitor, { meterProvider: provider });
    // Real garbage and a real full collection, until the monitor has read the heap after one.
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const keep: unknown[] = [];
    for (
      let round = 0;
      round < 200 && (monitor.status().heapUsedAfterGc === null || monitor.status().gc.total < 3);
      round++
    ) {
      keep.push(Array.from({ length: 20_000 }, (_, index) => ({ index })));
      if (keep.length > 4) keep.shift();
      if (round % 10 === 0) collect();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await reader.forceFlush();
    const metrics = exporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
    const byName = new Map(metrics.map((metric) => [metric.descriptor.name, metric]));
    assert.deepEqual([...byName.keys()].sort(), [...registered.names].sort());
    const suspected = byName.get('heapdrift.leak.suspected')!;
    assert.equal(suspected.dataPoints[0]!.value, 0);
    const spaces = byName.get('heapdrift.heap.space.used')!.dataPoints.map((point) => point.attributes.space);
    assert.deepEqual(
      spaces.sort(),
      getHeapSpaceStatistics()
        .map((space) => space.space_name)
        .sort(),
    );
    const gcTotal = byName
      .get('heapdrift.gc.count')!
      .dataPoints.reduce((sum, point) => sum + (point.value as number), 0);
    assert.ok(gcTotal >= 3, `${gcTotal} collections counted`);
    assert.equal(byName.get('heapdrift.gc.count')!.descriptor.unit, '{collection}');
    registered.unregister();
    await provider.shutdown();
    await monitor.stop();
    assert.ok(keep.length > 0);
  });
});

describe('monitor bounded series', () => {
  it('keeps a fixed number of points over a long run, oldest first, within the horizon', () => {
    const series = new BoundedSeries({ windowSize: 60, historySize: 60, horizonMs: 6 * 3_600_000 });
    const footprint = series.footprintBytes;
    // One reading every 10 s for 100 hours.
    for (let i = 0; i < 36_000; i++) series.add(i * 10_000, i);
    const { t, y } = series.points();
    assert.ok(series.length <= 120, `${series.length} points`);
    assert.equal(series.footprintBytes, footprint);
    for (let i = 1; i < t.length; i++) assert.ok(t[i]! > t[i - 1]!);
    assert.ok(t[0]! >= 359_990 * 1000 - 6 * 3_600_000, 'nothing older than the horizon');
    assert.equal(y.at(-1), 35_999);
  });
});

describe('monitor online rules', () => {
  const settings = { ...DEFAULT_RULE_SETTINGS, minimumSpanMs: 60_000 };
  const times = Array.from({ length: 60 }, (_, i) => i * 10_000 + (i % 3) * 700);

  it('calls a floor that rises through major GCs growing', () => {
    const floor = { t: times, y: times.map((time) => 50 * MIB + time * 40) };
    const major = { t: times.filter((_, i) => i % 10 === 5), y: [] as number[] };
    major.y = major.t.map((time) => 50 * MIB + time * 40);
    const decision = decideOnline(gatherOnlineEvidence(floor, major, settings));
    assert.equal(decision.verdict, 'growing');
    assert.equal(decision.rule, 'persistent-growth');
  });

  it('calls a sawtooth whose major-GC readings stay flat stable (garbage, not growth)', () => {
    // Promoted garbage climbs 8 MiB between major GCs, which bring the heap back to 50 MiB.
    const floor = { t: times, y: times.map((_, i) => 50 * MIB + (i % 10) * 0.9 * MIB) };
    const major = { t: times.filter((_, i) => i % 10 === 0), y: [] as number[] };
    major.y = major.t.map((_, i) => 50 * MIB + (i % 2) * 100_000);
    const decision = decideOnline(gatherOnlineEvidence(floor, major, settings));
    assert.equal(decision.verdict, 'stable');
    assert.ok(['trend-test', 'magnitude', 'survives-full-gc'].includes(decision.rule), decision.rule);
  });

  it('calls a start-up that levels off not growing (persistence)', () => {
    const level = (time: number) => 50 * MIB + 6 * MIB * Math.min(1, time / 300_000);
    const floor = { t: times, y: times.map(level) };
    const major = { t: times.filter((_, i) => i % 6 === 3), y: [] as number[] };
    major.y = major.t.map(level);
    const decision = decideOnline(gatherOnlineEvidence(floor, major, settings));
    assert.notEqual(decision.verdict, 'growing', decision.reason);
  });

  it('keeps calling a leak growing when it slows but its late pace alone is still a leak', () => {
    // 400 B/ms for the first 400 s, then 80 B/ms (20 %: a heap nearing its limit, GC thrashing):
    // the late pace alone adds ~45 MiB over the span, far past the magnitude threshold.
    const level = (time: number) =>
      50 * MIB + 400 * Math.min(time, 400_000) + 80 * Math.max(0, time - 400_000);
    const floor = { t: times, y: times.map(level) };
    const major = { t: times.filter((_, i) => i % 4 === 1), y: [] as number[] };
    major.y = major.t.map(level);
    const decision = decideOnline(gatherOnlineEvidence(floor, major, settings));
    assert.equal(decision.verdict, 'growing', `${decision.rule}: ${decision.reason}`);
  });

  it('needs readings after three major GCs before it can call growth', () => {
    const floor = { t: times, y: times.map((time) => 50 * MIB + time * 40) };
    const major = { t: [times[5]!, times[40]!], y: [50 * MIB, 60 * MIB] };
    const decision = decideOnline(gatherOnlineEvidence(floor, major, settings));
    assert.equal(decision.verdict, 'inconclusive');
    assert.equal(decision.rule, 'survives-full-gc');
  });
});

describe('monitor snapshot quota', () => {
  it('refuses a snapshot that would pass the disk quota, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heapdrift-quota-'));
    try {
      const options = resolveMonitorOptions({ snapshots: { dir, maxBytes: 64 * 1024 } }).snapshots!;
      const events: SnapshotEvent[] = [];
      const taker = new SnapshotTaker(options, (event) => events.push(event));
      taker.onSuspicion();
      for (let i = 0; i < 100 && events.length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      await taker.stop();
      assert.equal(events[0]?.type, 'skipped');
      assert.match((events[0] as { reason: string }).reason, /disk quota/);
      const leftovers = readdirSync(dir, { recursive: true }).filter((name) =>
        String(name).endsWith('.heapsnapshot'),
      );
      assert.deepEqual(leftovers, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('monitor bad options', () => {
  it('names the option in a UserError', () => {
    assert.throws(
      () => startMonitor({ intervalMs: -5 }),
      (error: unknown) =>
        error instanceof UserError &&
        error.code === 'ERR_HEAPDRIFT_MONITOR_OPTION' &&
        /option intervalMs must be a positive number, got -5/.test(error.message),
    );
  });

  /** A real Node process with the preload and these variables, running nothing else. */
  const preload = (variables: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'heapdrift/monitor/register', '-e', '0'], {
      cwd: repositoryRoot,
      env: { ...process.env, ...variables },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('the preload prints one line naming the variable and exits 2', () => {
    const result = preload({ HEAPDRIFT_MONITOR_INTERVAL_MS: 'soon' });
    assert.equal(result.status, 2);
    assert.equal(
      result.stderr,
      'heapdrift monitor: HEAPDRIFT_MONITOR_INTERVAL_MS="soon" is not a number ≥ 0 (sampling interval (default 10000))\n',
    );
    assert.equal(existsSync(join(repositoryRoot, 'soon')), false);
  });

  it('the preload refuses a snapshot series too short to judge, naming the variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heapdrift-short-series-'));
    try {
      const result = preload({
        HEAPDRIFT_MONITOR_SNAPSHOTS_DIR: dir,
        HEAPDRIFT_MONITOR_SNAPSHOTS_COUNT: '3',
      });
      assert.equal(result.status, 2);
      assert.equal(
        result.stderr,
        'heapdrift monitor: HEAPDRIFT_MONITOR_SNAPSHOTS_COUNT (option snapshots.count) must be an integer ≥ 7 (a series is judged from a baseline and 6 snapshots), got 3\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
