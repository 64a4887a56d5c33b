// The JSON objects of `heapdrift summary --json` and `heapdrift diff --json`, with their schema
// versions: built here, beside the run records, so library users get the same documented
// objects the CLI prints. Sizes are bytes; ids are snapshot object ids; no string contents.

import type { ClassDelta, ClassSummary, DominatorTree, SnapshotDiff } from '../analysis/index.js';
import type { HeapGraph } from '../snapshot/index.js';

/** Version of the summary object; bumped when a field changes meaning or goes away. */
export const SUMMARY_SCHEMA_VERSION = 1;
/** Version of the diff object; bumped when a field changes meaning or goes away. */
export const DIFF_SCHEMA_VERSION = 1;

export interface SummaryRecord {
  schemaVersion: typeof SUMMARY_SCHEMA_VERSION;
  kind: 'summary';
  file: string;
  nodeCount: number;
  edgeCount: number;
  totalSelfSize: number;
  extraNativeBytes: number;
  unreachableCount: number;
  orphanCount: number;
  unreachableCycleNodeCount: number;
  classCount: number;
  top: number;
  classes: {
    className: string;
    count: number;
    selfSize: number;
    retainedSize: number;
    topInstances: { id: number; selfSize: number; retainedSize: number }[];
  }[];
}

export interface DiffRecord {
  schemaVersion: typeof DIFF_SCHEMA_VERSION;
  kind: 'diff';
  before: SnapshotDiff['before'] & { file: string };
  after: SnapshotDiff['after'] & { file: string };
  mode: SnapshotDiff['mode'];
  modeReason: string;
  sameFormat: boolean;
  ids: SnapshotDiff['ids'];
  overlap: SnapshotDiff['overlap'];
  classCount: number;
  top: number;
  classes: ClassDelta[];
}

/** The summary of one snapshot: the `top` classes by retained size, and the graph's totals. */
export function summaryRecord(
  file: string,
  graph: HeapGraph,
  tree: DominatorTree,
  summary: ClassSummary,
  top: number,
): SummaryRecord {
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    kind: 'summary',
    file,
    nodeCount: graph.nodeCount,
    edgeCount: graph.edgeCount,
    totalSelfSize: summary.totalSelfSize,
    extraNativeBytes: graph.extraNativeBytes,
    unreachableCount: tree.unreachableCount,
    orphanCount: tree.orphanCount,
    unreachableCycleNodeCount: tree.unreachableCycleNodeCount,
    classCount: summary.classes.length,
    top,
    classes: summary.classes.slice(0, top).map((entry) => ({
      className: entry.className,
      count: entry.count,
      selfSize: entry.selfSize,
      retainedSize: entry.retainedSize,
      topInstances: entry.topInstances.map(({ id, selfSize, retainedSize }) => ({
        id,
        selfSize,
        retainedSize,
      })),
    })),
  };
}

/** The diff of two snapshots: the `top` classes by size change, and how they were compared. */
export function diffRecord(
  beforeFile: string,
  afterFile: string,
  diff: SnapshotDiff,
  top: number,
): DiffRecord {
  return {
    schemaVersion: DIFF_SCHEMA_VERSION,
    kind: 'diff',
    before: { file: beforeFile, ...diff.before },
    after: { file: afterFile, ...diff.after },
    mode: diff.mode,
    modeReason: diff.modeReason,
    sameFormat: diff.sameFormat,
    ids: diff.ids,
    overlap: diff.overlap,
    classCount: diff.classes.length,
    top,
    classes: diff.classes.slice(0, top),
  };
}
