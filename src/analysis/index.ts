// The analyses of one heap graph: distances and shortest paths, dominators and retained
// sizes, class aggregates. Pure functions over HeapGraph; nothing here reads files or prints.

export type { ClassBucketOptions, ClassBuckets } from './class-buckets.js';
export { bucketByClass } from './class-buckets.js';
export type {
  ClassInstance,
  ClassSummary,
  ClassSummaryEntry,
  ClassSummaryOptions,
} from './class-summary.js';
export { summarizeClasses } from './class-summary.js';
export type { ClassDelta, DiffMode, DiffOptions, IdOverlap, SnapshotDiff, SnapshotTotals } from './diff.js';
export { diffSnapshots } from './diff.js';
export type { Distances } from './distances.js';
export {
  computeDistances,
  DEVTOOLS_NO_DISTANCE,
  devToolsDistance,
  SYSTEM_DISTANCE_BASE,
  UNREACHABLE_DISTANCE,
} from './distances.js';
export type { DominatedNodes, DominatorOptions, DominatorTree } from './dominators.js';
export { buildDominatedNodes, computeDominators, Reachability } from './dominators.js';
export type { EssentialEdgeOptions } from './essential-edges.js';
export { computeEssentialEdges, markUserObjects } from './essential-edges.js';
export type { NameTarget, PathPattern, PatternStep } from './path-pattern.js';
export { PATH_PATTERN_GRAMMAR, PathPatternError, parsePathPattern } from './path-pattern.js';
export type { QueryMatch, QueryOptions, QueryResult } from './query.js';
export { findPatternMatches, queryGraph } from './query.js';
export type {
  NodeSummary,
  PathEdge,
  PathHop,
  RetainerIndex,
  RetainerPath,
  RetainerPathOptions,
  RetainerPaths,
} from './retainers.js';
export {
  buildRetainerIndex,
  findRetainerPaths,
  formatRetainerPath,
  nodeLabel,
  shortestPathFromDistances,
  summarizeNode,
} from './retainers.js';
export { devToolsShallowSizes } from './shallow-sizes.js';
