// The saved and printed form of a run (`--json`, run.json): a documented, versioned schema
// built from the growth report. Only sizes, counts, class names and paths: no heap strings.

import type { ExitReason } from '../capture/index.js';
import {
  describeFinding,
  type Finding,
  type GrowthReport,
  type MetricResult,
  type RunVerdict,
  type SeriesVerdict,
} from '../growth/index.js';
import type { SettleState } from './stopping-rule.js';

export const RUN_SCHEMA_VERSION = 1;

export type RunStatus = 'running' | 'complete' | 'incomplete';
export type RunOutcome = RunVerdict | 'incomplete';

export interface JudgedSeries {
  verdict: SeriesVerdict['verdict'];
  /** The metric whose verdict this is: selfSize, edgeCount (live entries), retainedSize or count. */
  metric: string;
  decidedBy: string;
  reason: string;
  slopePerHour: number;
  slopePer1000Iterations: number | null;
  confidence: number;
  samples: number;
  /** The metric's value at each snapshot. */
  series: number[];
}

export interface StructureEntry extends JudgedSeries {
  path: string;
  label: string;
}

export interface TrackEntry extends JudgedSeries {
  name: string;
  /** What the track's main match is, as of the last snapshot. */
  className: string | null;
  nodeName: string | null;
  retainerPath: string | null;
  /** Every measured metric per snapshot. */
  measurements: { selfSize: number[]; entryCount: number[]; retainedSize: number[]; matches: number[] };
}

export interface SnapshotRow {
  index: number;
  iteration: number | null;
  elapsedMs: number;
  nodeCount: number;
  totalSelfSize: number;
  heapUsed: number;
  captureMs: number;
  /** Of captureMs: the child's forced GC and its writing of the file (absent in older records). */
  gcMs?: number;
  writeMs?: number;
  parseMs: number;
  analysisMs: number;
}

/** What was judged: a scenario heapdrift ran, snapshots that already existed, or a live process. */
export type RunKind = 'run' | 'series' | 'attach';

export interface RunRecord {
  schemaVersion: typeof RUN_SCHEMA_VERSION;
  kind: RunKind;
  id: string;
  directory: string;
  status: RunStatus;
  verdict: RunOutcome;
  verdictReason: string;
  scenario: { name: string; file: string; mode: 'iterations' | 'script'; builtin: boolean };
  runtime: { spec: string; version: string; v8Version: string | null; path: string; source: string };
  command: string;
  environment: Environment;
  schedule: {
    snapshots: number;
    everyIterations: number | null;
    everyMs: number | null;
    warmupSnapshots: number;
    /** `--duration`: the run stops after this long (absent in records written before it existed). */
    durationMs?: number | null;
  };
  startedAt: string;
  endedAt: string | null;
  wallMs: number;
  exit: {
    reason: ExitReason;
    code: number | null;
    signal: string | null;
    /** The program's last stderr lines (its error and stack on a crash); absent in older records. */
    lastStderr?: string[];
  } | null;
  /** How the program was started: runtime flags, script arguments, added environment. */
  invocation?: Invocation;
  /** The program's whole stdout and stderr, files in the run directory (0600). */
  output?: { stdout: string; stderr: string };
  xUnit: 'iteration' | 'ms';
  snapshots: SnapshotRow[];
  tracks: TrackEntry[];
  /** Growing structures first (largest growth first), then the other tested ones, at most 20. */
  structures: StructureEntry[];
  /** Classes whose totals were tested, growing first, at most 20. */
  classes: (JudgedSeries & { className: string })[];
  /** One per leak, largest first: the growing structures and classes grouped by owner (absent in older records). */
  findings?: FindingEntry[];
  /**
   * How many snapshots the verdict, tracks, structures and classes cover: while a long run goes
   * on they are re-judged on a schedule (judging-schedule.ts); at its end, all of them.
   */
  judgedSnapshots?: number;
  /** The stopping rule, when it was on: the verdict after each snapshot and where the run stopped. */
  settle?: SettleState;
  /** Where the snapshots of a `series` or an `attach` came from; absent for a run. */
  source?: SeriesSource | AttachSource;
}

/** The snapshot files of a series: which were judged, which skipped and why. */
export interface SeriesSource {
  type: 'series';
  order: 'name' | 'mtime';
  files: { file: string; time: string; pid: number | null; judged: boolean; skipped: string | null }[];
  /** Why the files look like more than one process (accepted with --allow-mixed), or null. */
  mixed: string | null;
}

/** The live process of an attach and what heapdrift did to its inspector. */
export interface AttachSource {
  type: 'attach';
  target: string;
  pid: number | null;
  inspector: string;
  /** True when heapdrift enabled the inspector (SIGUSR1); false when it was already open. */
  openedInspector: boolean;
  /** After heapdrift left: still listening, closed (--close-inspector), or unknown. */
  inspectorAfter: 'listening' | 'closed' | 'unknown' | null;
  /** Snapshots refused or failed, with why (the heap could not afford one, a timeout…). */
  refused: { at: string; reason: string }[];
}

/** A finding as saved: growth's `Finding` without its key, plus its one-line summary. */
export type FindingEntry = Omit<Finding, 'key'> & { summary: string };

export interface Invocation {
  /** Flags for the runtime (`--node-arg`), heapdrift's own (--expose-gc, the agent) not included. */
  nodeArgs: string[];
  /** Arguments after the script (`--`): its process.argv[2...]. */
  scriptArgs: string[];
  /** Variables added to the environment (`--env K=V`). */
  env: Record<string, string>;
}

export interface Environment {
  os: string;
  arch: string;
  cpu: string;
  cores: number;
  memoryBytes: number;
  heapdriftVersion: string;
  hostNode: string;
}

const LISTED = 20;

/** The metric that speaks for a thing: the first growing one, else the first tested. */
function leadingMetric(metrics: MetricResult[]): MetricResult | undefined {
  return metrics.find((metric) => metric.verdict.verdict === 'growing') ?? metrics[0];
}

function judged(metric: MetricResult | undefined): JudgedSeries {
  if (!metric) {
    return {
      verdict: 'inconclusive',
      metric: 'none',
      decidedBy: 'none',
      reason: 'no measurement',
      slopePerHour: 0,
      slopePer1000Iterations: null,
      confidence: 0,
      samples: 0,
      series: [],
    };
  }
  const verdict = metric.verdict;
  return {
    verdict: verdict.verdict,
    metric: metric.metric,
    decidedBy: verdict.decidedBy,
    reason: verdict.reason,
    slopePerHour: verdict.slopePerHour,
    slopePer1000Iterations: verdict.slopePer1000Iterations,
    confidence: verdict.confidence,
    samples: verdict.samples,
    series: metric.series,
  };
}

export function structureEntries(report: GrowthReport): StructureEntry[] {
  return report.structures.slice(0, LISTED).map((structure) => ({
    path: structure.path,
    label: structure.label,
    ...judged(leadingMetric(structure.metrics)),
  }));
}

export function findingEntries(report: GrowthReport): FindingEntry[] {
  return report.findings.slice(0, LISTED).map(({ key: _key, ...finding }) => ({
    ...finding,
    summary: describeFinding({ ...finding, key: _key }),
  }));
}

export function classEntries(report: GrowthReport): RunRecord['classes'] {
  return report.classes.slice(0, LISTED).map((entry) => ({
    className: entry.className,
    ...judged(leadingMetric(entry.metrics)),
  }));
}

/**
 * A named track's verdict. `rejudge` may judge its metrics again with options of its own (a
 * scenario's knowledge of the structure) instead of the tracker's.
 */
export function namedTrackVerdict(
  report: GrowthReport,
  name: string,
  rejudge?: (metric: MetricResult) => SeriesVerdict,
): JudgedSeries {
  const track = report.namedTracks.find((candidate) => candidate.name === name);
  if (!track) return judged(undefined);
  const metrics = rejudge
    ? track.metrics.map((metric) => ({ ...metric, verdict: rejudge(metric) }))
    : track.metrics;
  return judged(leadingMetric(metrics));
}

/** What a matrix and a bisection record share: a directory of their own, beside their runs. */
export interface RunSetHeader<Kind extends string> {
  schemaVersion: typeof RUN_SCHEMA_VERSION;
  kind: Kind;
  id: string;
  directory: string;
  scenario: string;
  command: string;
  startedAt: string;
  endedAt: string | null;
}

/** A matrix: one scenario, one run per runtime (matrix.json beside the runs it lists). */
export interface MatrixRecord extends RunSetHeader<'matrix'> {
  /** The runtimes asked for, in order. */
  nodes: string[];
  /** Present on a shard (`--shard i/n`): `runs` then holds only that shard's share of `nodes`. */
  shard?: { index: number; count: number };
  /** The runs, in the order of `nodes`; each is also saved as its own run directory. */
  runs: RunRecord[];
}

/** A bisection over released versions: where the verdict changes. */
export interface BisectRecord extends RunSetHeader<'bisect'> {
  good: { spec: string; version: string };
  bad: { spec: string; version: string };
  /** Released versions between good and bad (inclusive), ascending. */
  candidates: string[];
  /** The first version (in release order from `bad` towards `good`) whose verdict matches good's; null until found. */
  firstChanged: string | null;
  /** The last version before it with bad's verdict. */
  lastBefore: string | null;
  status: 'running' | 'complete' | 'incomplete';
  reason: string;
  /** Every run made, in the order made. */
  runs: RunRecord[];
}
