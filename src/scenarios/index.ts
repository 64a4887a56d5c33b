// Registry of heapdrift's built-in scenarios: the retained_maps runtime-leak reproducer, negative
// controls that allocate heavily without leaking, and an ordinary app-level leak. The scenario
// modules themselves are plain `.cjs` files that run unchanged inside Node.js 20–26.

import { canaryScenarios } from './canaries/index.js';
import { type ScenarioInfo, scenarioFile } from './scenario-info.js';

export {
  type ScenarioDefaults,
  type ScenarioExpectation,
  type ScenarioInfo,
  scenarioFile,
} from './scenario-info.js';

// Defaults measured on a loaded 2-core machine (see README.md): each run stays under ~40 s of
// wall time including snapshots, with 16 snapshots.
export const builtinScenarios: ScenarioInfo[] = [
  {
    name: 'retained-maps',
    description:
      'V8 retained_maps leak (nodejs/node#57412): NativeContext > retained_maps grows on Node.js 22.0.0–22.14.x, stays bounded on 20.x, 22.15.0+, 24 and 26.',
    file: scenarioFile('retained-maps'),
    kind: 'iterations',
    defaults: { snapshots: 16, everyIterations: 8, warmupSnapshots: 2 },
    track: ['NativeContext > retained_maps'],
    // Healthy runtimes measured here (20.20.2, 22.15.0+, 24.21.0, 26.10.0) reach their high-water
    // mark in the first pass and rise at most once more; an affected one keeps stepping.
    trackVerdict: { maximumPlateauSteps: 2 },
    expectation: 'runtime-dependent',
  },
  {
    name: 'churn-objects',
    description:
      'Negative control: thousands of objects, closures, strings and a Map per iteration, all dropped.',
    file: scenarioFile('churn-objects'),
    kind: 'iterations',
    defaults: { snapshots: 16, everyIterations: 10, warmupSnapshots: 3 },
    expectation: 'no-leak',
  },
  {
    name: 'bounded-cache',
    description: 'Negative control: a Map-based LRU cache capped at 2,000 entries with constant churn.',
    file: scenarioFile('bounded-cache'),
    kind: 'iterations',
    defaults: { snapshots: 16, everyIterations: 10, warmupSnapshots: 3 },
    expectation: 'no-leak',
  },
  {
    name: 'map-leak',
    description: 'App-level leak: a Map from request id to LeakySession that is never pruned.',
    file: scenarioFile('map-leak'),
    kind: 'iterations',
    defaults: { snapshots: 16, everyIterations: 25, warmupSnapshots: 2 },
    expectation: 'leak',
    growingClass: 'LeakySession',
  },
  ...canaryScenarios,
];

/** The built-in scenario called `name`, or undefined. */
export function findScenario(name: string): ScenarioInfo | undefined {
  return builtinScenarios.find((scenario) => scenario.name === name);
}
