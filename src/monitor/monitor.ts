// The in-process monitor: counts garbage collections and reads the old generation after them
// (one PerformanceObserver for both) and the whole heap on an interval, keeps the old
// generation's floor per interval and its readings after major GCs in bounded series, judges
// them with the online rules, and emits `leak-suspected` / `leak-cleared` once the verdict has
// held for a few evaluations.
// Never keeps the process alive; never throws into the service.

import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { BoundedSeries } from './bounded-series.js';
import type { GcCounts } from './gc-counts.js';
import { GcReadings } from './gc-readings.js';
import { type MonitorOptions, type ResolvedMonitorOptions, resolveMonitorOptions } from './options.js';
import {
  decideOnline,
  gatherOnlineEvidence,
  type OnlineDecision,
  type OnlineEvidence,
  type OnlineVerdict,
} from './rules.js';
import { type MemorySample, readMemorySample } from './sample.js';
import { type SnapshotEvent, SnapshotTaker, type SnapshotTakerStatus } from './snapshot-taker.js';

export type MonitorState = 'warming-up' | 'watching' | 'suspected';

/** What `leak-suspected` and `leak-cleared` carry, and `status()` repeats. */
export interface LeakEvent {
  /** The series judged: the heap's old generation (what survived the young one) after GCs. */
  signal: 'heapUsedAfterGc';
  verdict: OnlineVerdict;
  /** Name of the rule that decided (see `onlineRules`). */
  rule: string;
  reason: string;
  slopeBytesPerHour: number;
  /** 95 % interval of the slope, bytes per hour. */
  slopeInterval: [number, number];
  /** 1 − the trend test's p-value. */
  confidence: number;
  pValue: number;
  samples: number;
  spanMs: number;
  heapUsedAfterGc: number | null;
  /** Wall-clock time of the decision (ISO 8601). */
  at: string;
}

export interface MonitorStatus extends LeakEvent {
  state: MonitorState;
  suspected: boolean;
  /** When the current suspicion began (ISO 8601), or null. */
  suspectedSince: string | null;
  uptimeMs: number;
  intervalMs: number;
  lastSample: MemorySample | null;
  /** Collections observed so far, by kind. */
  gc: GcCounts;
  /** Evaluations of the rules so far. */
  evaluations: number;
  /** Bytes of the monitor's bounded series (its own data; code and closures aside). */
  seriesBytes: number;
  snapshots: SnapshotTakerStatus | null;
}

export interface MonitorEvents {
  'leak-suspected': [LeakEvent];
  'leak-cleared': [LeakEvent];
  sample: [MemorySample];
  snapshot: [SnapshotEvent];
  warning: [{ message: string }];
}

export class HeapMonitor extends EventEmitter<MonitorEvents> {
  readonly options: ResolvedMonitorOptions;
  readonly #started = performance.now();
  /** Lowest old-generation reading after a GC, per interval. */
  readonly #floor: BoundedSeries;
  /** Old-generation readings after major GCs. */
  readonly #major: BoundedSeries;
  readonly #readings = new GcReadings();
  readonly #timer: NodeJS.Timeout;
  readonly #snapshots: SnapshotTaker | null;
  #lastSample: MemorySample | null = null;
  #lastAfterGc: number | null = null;
  #evaluations = 0;
  #evidence: OnlineEvidence | null = null;
  #decision: OnlineDecision = { verdict: 'inconclusive', rule: 'warm-up', reason: 'warming up' };
  #decidedAt = new Date();
  /** Consecutive evaluations with the same growing / not-growing outcome. */
  #streak = { growing: false, count: 0 };
  #suspectedSince: Date | null = null;
  #stopped = false;

  constructor(options: MonitorOptions = {}) {
    super();
    this.options = resolveMonitorOptions(options);
    const sizes = {
      windowSize: this.options.windowSize,
      historySize: this.options.historySize,
      horizonMs: this.options.horizonMs,
    };
    this.#floor = new BoundedSeries(sizes);
    this.#major = new BoundedSeries(sizes);
    this.#snapshots = this.options.snapshots
      ? new SnapshotTaker(this.options.snapshots, (event) => this.emit('snapshot', event))
      : null;
    this.#timer = setInterval(() => this.#tick(), this.options.intervalMs);
    this.#timer.unref();
    this.#lastSample = readMemorySample(0);
  }

  status(): MonitorStatus {
    const uptimeMs = this.#now();
    return {
      ...this.#leakEvent(),
      state: this.#state(uptimeMs),
      suspected: this.#suspectedSince !== null,
      suspectedSince: this.#suspectedSince?.toISOString() ?? null,
      uptimeMs,
      intervalMs: this.options.intervalMs,
      lastSample: this.#lastSample,
      gc: { ...this.#readings.counts },
      evaluations: this.#evaluations,
      seriesBytes: this.#floor.footprintBytes + this.#major.footprintBytes,
      snapshots: this.#snapshots?.status() ?? null,
    };
  }

  /** Stops sampling; waits for a snapshot series or its analysis in progress to be cancelled. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    await Promise.all([this.#readings.stop(), this.#snapshots?.stop()]);
  }

  #now(): number {
    return performance.now() - this.#started;
  }

  #state(uptimeMs: number): MonitorState {
    if (this.#suspectedSince) return 'suspected';
    return uptimeMs < this.options.warmupMs ? 'warming-up' : 'watching';
  }

  #tick(): void {
    try {
      this.#lastSample = readMemorySample(this.#now());
      if (this.listenerCount('sample') > 0) this.emit('sample', this.#lastSample);
      const readings = this.#readings.take();
      if (readings.afterMajor !== undefined) this.#lastAfterGc = readings.afterMajor;
      // An interval without a GC says nothing new about what survives collections; readings
      // while the monitor's own snapshots pause the service (and force GCs) are not the service's.
      const t = this.#lastSample.t;
      if (readings.floor === undefined || t < this.options.warmupMs || this.#snapshots?.capturing) return;
      this.#floor.add(t, readings.floor);
      if (readings.afterMajor !== undefined) this.#major.add(t, readings.afterMajor);
      this.#evaluate();
    } catch (error) {
      // A monitor must never take the service down; say what happened instead.
      this.emit('warning', { message: `heapdrift monitor: ${(error as Error).message}` });
    }
  }

  #evaluate(): void {
    this.#evaluations++;
    this.#evidence = gatherOnlineEvidence(this.#floor.points(), this.#major.points(), this.options.rules);
    this.#decision = decideOnline(this.#evidence);
    this.#decidedAt = new Date();
    const growing = this.#decision.verdict === 'growing';
    this.#streak =
      growing === this.#streak.growing ? { growing, count: this.#streak.count + 1 } : { growing, count: 1 };
    if (this.#streak.count < this.options.confirmations) return;
    if (growing && !this.#suspectedSince) {
      this.#suspectedSince = this.#decidedAt;
      const event = this.#leakEvent();
      this.emit('leak-suspected', event);
      this.#snapshots?.onSuspicion();
    } else if (!growing && this.#suspectedSince) {
      this.#suspectedSince = null;
      this.emit('leak-cleared', this.#leakEvent());
    }
  }

  #leakEvent(): LeakEvent {
    const evidence = this.#evidence;
    return {
      signal: 'heapUsedAfterGc',
      verdict: this.#decision.verdict,
      rule: this.#decision.rule,
      reason: this.#decision.reason,
      slopeBytesPerHour: evidence?.slopeBytesPerHour ?? 0,
      slopeInterval: evidence?.slopeInterval ?? [0, 0],
      confidence: 1 - (evidence?.pValue ?? 1),
      pValue: evidence?.pValue ?? 1,
      samples: evidence?.samples ?? 0,
      spanMs: evidence?.spanMs ?? 0,
      heapUsedAfterGc: this.#lastAfterGc,
      at: this.#decidedAt.toISOString(),
    };
  }
}

/** Starts watching this process's heap; see `MonitorOptions`. */
export function startMonitor(options: MonitorOptions = {}): HeapMonitor {
  return new HeapMonitor(options);
}
