// The analyses of one heap graph: distances and shortest paths, dominators and retained
// sizes, class aggregates. Pure functions over HeapGraph; nothing here reads files or prints.

export type { Distances } from './distances.js';
export {
  computeDistances,
  DEVTOOLS_NO_DISTANCE,
  devToolsDistance,
  SYSTEM_DISTANCE_BASE,
  UNREACHABLE_DISTANCE,
} from './distances.js';
