// Runtime canaries: small scenarios that stress Node.js internals known to have leaked before
// (timers, AbortSignal, …). Those with a reproduction here back a knowledge-base entry; the
// others guard `sweep` against the next regression of the same kind.

// A cycle with ../index.js, which lists these: only its hoisted function is used here.
import { type ScenarioInfo, scenarioFile } from '../scenario-info.js';

const canaryFile = (name: string) => scenarioFile(`canaries/${name}`);

export const canaryScenarios: ScenarioInfo[] = [
  {
    name: 'timer-primitive',
    description:
      'Canary (nodejs/node#53335): Timeouts coerced to a primitive and left to complete stay in the runtime’s id table.',
    file: canaryFile('timer-primitive'),
    kind: 'iterations',
    defaults: { snapshots: 12, everyIterations: 5, warmupSnapshots: 2 },
    // The id → timer table in lib/timers.js: empty between iterations on a fixed runtime. Its
    // verdict decides the run, so allocation noise elsewhere cannot make it inconclusive.
    track: ['edge:knownTimersById'],
    expectation: 'runtime-dependent',
    growingClass: 'Timeout',
  },
  {
    name: 'abort-signal-any',
    description:
      'Canary (nodejs/node#55351): AbortSignal.any() composites of a long-lived signal, dropped at once.',
    file: canaryFile('abort-signal-any'),
    kind: 'iterations',
    defaults: { snapshots: 12, everyIterations: 5, warmupSnapshots: 2 },
    expectation: 'runtime-dependent',
    growingClass: 'WeakRef',
  },
  {
    name: 'vm-compile-function',
    description:
      'Canary (nodejs/node#42080): vm.compileFunction() with importModuleDynamically, the functions dropped at once.',
    file: canaryFile('vm-compile-function'),
    kind: 'iterations',
    defaults: { snapshots: 12, everyIterations: 5, warmupSnapshots: 2 },
    expectation: 'runtime-dependent',
  },
];
