// The analyses of one heap graph: distances and shortest paths, dominators and retained
// sizes, class aggregates. Pure functions over HeapGraph; nothing here reads files or prints.

export type {
  ClassInstance,
  ClassSummary,
  ClassSummaryEntry,
  ClassSummaryOptions,
} from './class-summary.js';
export { summarizeClasses } from './class-summary.js';
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
export { devToolsShallowSizes } from './shallow-sizes.js';
