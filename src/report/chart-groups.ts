// What the Markdown and HTML reports chart: each tracked structure, the growing structures and
// the whole heap, with one line per run (one per Node.js version in a matrix), each line
// carrying its own verdict and slope so a chart and its judgement stay side by side.

import type { JudgedSeries, RunRecord, TrackEntry } from '../run/result.js';

export interface ChartLine {
  /** `Node 22.14.0`; made unique when a version appears twice. */
  label: string;
  runIndex: number;
  x: number[];
  y: number[];
  verdict: string;
  metric: string;
  slopePerHour: number;
  slopePer1000Iterations: number | null;
  confidence: number;
  decidedBy: string;
  reason: string;
}

export interface ChartGroup {
  id: string;
  kind: 'track' | 'structure' | 'heap';
  title: string;
  /** The retainer path (or query) that names it. */
  path: string | null;
  unit: 'bytes' | 'count';
  xLabel: string;
  lines: ChartLine[];
}

const GROWING_STRUCTURES_CHARTED = 6;

export function runLabels(runs: readonly RunRecord[]): string[] {
  const seen = new Map<string, number>();
  return runs.map((run) => {
    const base = `Node ${run.runtime.version}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (#${count})`;
  });
}

/** Iterations when every run counts them, else seconds since the run started. */
export function xAxisOf(runs: readonly RunRecord[]): { unit: 'iteration' | 'seconds'; label: string } {
  const iterations = runs.length > 0 && runs.every((run) => run.xUnit === 'iteration');
  return iterations
    ? { unit: 'iteration', label: 'iterations' }
    : { unit: 'seconds', label: 'seconds since start' };
}

function snapshotXs(run: RunRecord, unit: 'iteration' | 'seconds'): number[] {
  return run.snapshots.map((row) =>
    unit === 'iteration' && row.iteration !== null ? row.iteration : row.elapsedMs / 1000,
  );
}

function unitOf(metric: string): 'bytes' | 'count' {
  return metric === 'edgeCount' || metric === 'count' ? 'count' : 'bytes';
}

function line(label: string, runIndex: number, xs: number[], judged: JudgedSeries): ChartLine {
  // A series can start later than the run (a structure found after the first snapshots):
  // its values belong to the last snapshots.
  const values = judged.series.slice(-xs.length);
  return {
    label,
    runIndex,
    x: xs.slice(xs.length - values.length),
    y: values,
    verdict: judged.verdict,
    metric: judged.metric,
    slopePerHour: judged.slopePerHour,
    slopePer1000Iterations: judged.slopePer1000Iterations,
    confidence: judged.confidence,
    decidedBy: judged.decidedBy,
    reason: judged.reason,
  };
}

export function chartGroups(runs: readonly RunRecord[]): ChartGroup[] {
  const labels = runLabels(runs);
  const axis = xAxisOf(runs);
  const xs = runs.map((run) => snapshotXs(run, axis.unit));
  const groups: ChartGroup[] = [];

  const trackNames = unique(runs.flatMap((run) => run.tracks.map((track) => track.name)));
  for (const name of trackNames) {
    const lines: ChartLine[] = [];
    let first: TrackEntry | undefined;
    runs.forEach((run, index) => {
      const track = run.tracks.find((candidate) => candidate.name === name);
      if (!track) return;
      first ??= track;
      lines.push(line(labels[index]!, index, xs[index]!, track));
    });
    groups.push({
      id: `track-${groups.length}`,
      kind: 'track',
      title: name,
      path: first?.retainerPath ?? null,
      unit: unitOf(first?.metric ?? 'selfSize'),
      xLabel: axis.label,
      lines,
    });
  }

  for (const path of chartedStructurePaths(runs, new Set(trackNames))) {
    const lines: ChartLine[] = [];
    let title = path;
    let metric = 'selfSize';
    runs.forEach((run, index) => {
      const structure = run.structures.find((candidate) => candidate.path === path);
      if (!structure) return;
      title = structure.label;
      metric = structure.metric;
      lines.push(line(labels[index]!, index, xs[index]!, structure));
    });
    groups.push({
      id: `structure-${groups.length}`,
      kind: 'structure',
      title,
      path,
      unit: unitOf(metric),
      xLabel: axis.label,
      lines,
    });
  }

  groups.push({
    id: `heap-${groups.length}`,
    kind: 'heap',
    title: 'whole heap (self sizes of every object)',
    path: null,
    unit: 'bytes',
    xLabel: axis.label,
    lines: runs.map((run, index) => ({
      label: labels[index]!,
      runIndex: index,
      x: xs[index]!,
      y: run.snapshots.map((row) => row.totalSelfSize),
      verdict: '',
      metric: 'totalSelfSize',
      slopePerHour: 0,
      slopePer1000Iterations: null,
      confidence: 0,
      decidedBy: '',
      reason: '',
    })),
  });
  // A run killed before its first snapshot has nothing to draw.
  return groups
    .map((group) => ({ ...group, lines: group.lines.filter((entry) => entry.y.length > 0) }))
    .filter((group) => group.lines.length > 0);
}

/**
 * Structures growing in any run, in first-seen order; the leading ones when none grows. A
 * structure labelled like a track (`NativeContext > retained_maps`) is that track's chart already.
 */
function chartedStructurePaths(runs: readonly RunRecord[], trackNames: ReadonlySet<string>): string[] {
  const growing = unique(
    runs.flatMap((run) =>
      run.structures
        .filter((structure) => structure.verdict === 'growing' && !trackNames.has(structure.label))
        .map((structure) => structure.path),
    ),
  );
  if (growing.length > 0) return growing.slice(0, GROWING_STRUCTURES_CHARTED);
  const leading = runs.flatMap((run) =>
    run.structures.filter((structure) => !trackNames.has(structure.label)).slice(0, 2),
  );
  return unique(leading.map((structure) => structure.path)).slice(0, 3);
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
