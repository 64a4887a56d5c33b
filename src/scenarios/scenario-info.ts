// What a built-in scenario is: its defaults, expectation and tracked structures, and where its
// module lives. Apart from the registry so that the canaries' list can use it without an import
// cycle.

import { fileURLToPath } from 'node:url';

export type ScenarioExpectation = 'leak' | 'no-leak' | 'runtime-dependent';

export interface ScenarioDefaults {
  /** Snapshots to take, warm-up included. */
  snapshots: number;
  /** Iterations between two snapshots. */
  everyIterations: number;
  /** Leading snapshots that the verdict ignores (JIT and caches settling). */
  warmupSnapshots: number;
}

export interface ScenarioInfo {
  name: string;
  description: string;
  /** Absolute path of the scenario's `.cjs` module (next to this file in dist). */
  file: string;
  kind: 'iterations';
  defaults: ScenarioDefaults;
  /** Path queries of the structures that matter, e.g. 'NativeContext > retained_maps'. */
  track?: string[];
  expectation: ScenarioExpectation;
  /**
   * What the scenario knows about its tracked structures, for their verdicts: e.g. how many
   * steps after warm-up a healthy runtime's high-water mark takes at most.
   */
  trackVerdict?: { maximumPlateauSteps?: number };
  /** Class the analysis must name as growing, when the scenario leaks. */
  growingClass?: string;
}

/** The `.cjs` file of a built-in scenario, by its path under this folder without the extension. */
export function scenarioFile(name: string): string {
  return fileURLToPath(new URL(`./${name}.cjs`, import.meta.url));
}
