// The monitor's options, their defaults (scaled from the sampling interval, so a test's short
// interval keeps the same shape as production's 10 s) and their checks: a bad value is a
// UserError naming the option, never a silently ignored setting.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { DEFAULT_RULE_SETTINGS, type RuleSettings } from './rules.js';
import { SERIES_MINIMUM_SNAPSHOTS } from './series-analysis.js';

export interface SnapshotOptions {
  /** Directory for the snapshot series (created 0700); default: a private folder under the temp dir. */
  dir?: string;
  /** Snapshots per series (default 8; at least 7 when analysed: the verdicts need 6 after a baseline). */
  count?: number;
  /** Milliseconds between the snapshots of a series (default: the sampling interval). */
  every?: number;
  /** Disk quota in bytes for everything the monitor keeps in `dir` (default 1 GiB). */
  maxBytes?: number;
  /** At most one series per this many ms (default one hour). */
  cooldownMs?: number;
  /** Analyse each series in a child process into a run record (default true). */
  analyse?: boolean;
  /** Keep the snapshot files after the analysis (default false: they hold every string of the service). */
  keep?: boolean;
}

export interface MonitorOptions {
  /** Sampling interval in ms (default 10,000). */
  intervalMs?: number;
  /** Readings in the first ms after start are not judged (default 12 intervals, at least 60 s: start-up is wall time). */
  warmupMs?: number;
  /** The judged readings must span this long (default 30 intervals). */
  minimumSpanMs?: number;
  /** Consecutive evaluations that must agree before an event (default 3). */
  confirmations?: number;
  /** Latest after-GC readings kept as they are (default 60). */
  windowSize?: number;
  /** Down-sampled older readings kept (default 60). */
  historySize?: number;
  /** Readings older than this are forgotten (default 6 hours). */
  horizonMs?: number;
  /** Overrides of the rules' settings (alpha, minimumSamples, minimumGrowthBytes, …). */
  rules?: Partial<Omit<RuleSettings, 'minimumSpanMs'>>;
  /** Take and analyse a snapshot series when a leak is suspected. */
  snapshots?: SnapshotOptions | false;
}

export interface ResolvedSnapshotOptions extends Required<SnapshotOptions> {}

export interface ResolvedMonitorOptions {
  intervalMs: number;
  warmupMs: number;
  confirmations: number;
  windowSize: number;
  historySize: number;
  horizonMs: number;
  rules: RuleSettings;
  snapshots: ResolvedSnapshotOptions | null;
}

const HOUR = 3_600_000;

export function resolveMonitorOptions(options: MonitorOptions = {}): ResolvedMonitorOptions {
  const intervalMs = positive('intervalMs', options.intervalMs ?? 10_000);
  const rules: RuleSettings = {
    ...DEFAULT_RULE_SETTINGS,
    ...options.rules,
    minimumSpanMs: nonNegative('minimumSpanMs', options.minimumSpanMs ?? 30 * intervalMs),
  };
  positive('rules.alpha', rules.alpha);
  if (rules.alpha >= 1) throw optionError('rules.alpha', rules.alpha, 'a probability below 1');
  integer('rules.minimumSamples', rules.minimumSamples, 3);
  nonNegative('rules.minimumGrowthBytes', rules.minimumGrowthBytes);
  nonNegative('rules.relativeGrowthFloor', rules.relativeGrowthFloor);
  nonNegative('rules.persistenceFraction', rules.persistenceFraction);
  return {
    intervalMs,
    warmupMs: nonNegative('warmupMs', options.warmupMs ?? Math.max(60_000, 12 * intervalMs)),
    confirmations: integer('confirmations', options.confirmations ?? 3, 1),
    windowSize: integer('windowSize', options.windowSize ?? 60, 8),
    historySize: integer('historySize', options.historySize ?? 60, 2),
    horizonMs: positive('horizonMs', options.horizonMs ?? 6 * HOUR),
    rules,
    snapshots: options.snapshots ? resolveSnapshotOptions(options.snapshots, intervalMs) : null,
  };
}

function resolveSnapshotOptions(options: SnapshotOptions, intervalMs: number): ResolvedSnapshotOptions {
  const analyse = options.analyse ?? true;
  // An analysed series shorter than the verdict's minimum could never be judged.
  const fewest = analyse ? SERIES_MINIMUM_SNAPSHOTS : 1;
  return {
    dir: options.dir ?? join(tmpdir(), `heapdrift-monitor-${process.pid}`),
    count: integer('snapshots.count', options.count ?? 8, fewest, analyse ? SERIES_REASON : undefined),
    every: positive('snapshots.every', options.every ?? intervalMs),
    maxBytes: positive('snapshots.maxBytes', options.maxBytes ?? 1024 ** 3),
    cooldownMs: nonNegative('snapshots.cooldownMs', options.cooldownMs ?? HOUR),
    analyse,
    keep: options.keep ?? false,
  };
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw optionError(name, value, 'a positive number');
  return value;
}

function nonNegative(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw optionError(name, value, 'a number ≥ 0');
  return value;
}

/** Why an analysed series needs its snapshots, for the error that refuses fewer. */
const SERIES_REASON = `a series is judged from a baseline and ${SERIES_MINIMUM_SNAPSHOTS - 1} snapshots`;

function integer(name: string, value: number, minimum: number, why?: string): number {
  if (!Number.isInteger(value) || value < minimum)
    throw optionError(name, value, `an integer ≥ ${minimum}${why ? ` (${why})` : ''}`);
  return value;
}

function optionError(name: string, value: unknown, expected: string): UserError {
  return new UserError(
    `heapdrift monitor: option ${name} must be ${expected}, got ${JSON.stringify(value)}`,
    'ERR_HEAPDRIFT_MONITOR_OPTION',
  );
}
