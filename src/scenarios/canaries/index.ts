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
    name: 'abort-signal-any-observed',
    description:
      'Canary (nodejs/node#64476): AbortSignal.any() composites with an abort listener, aborted through a short-lived source.',
    file: canaryFile('abort-signal-any-observed'),
    kind: 'iterations',
    defaults: { snapshots: 12, everyIterations: 5, warmupSnapshots: 2 },
    // The set in lib/internal/abort_controller.js that keeps observed signals alive: empty
    // between iterations once aborted composites leave it. Tracked so that the older
    // abort-signal-any growth (WeakCells, same pattern) is told apart from this one.
    track: ['edge:gcPersistentSignals'],
    expectation: 'runtime-dependent',
    growingClass: 'AbortSignal',
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

  // Canaries without a known leak behind them (yet): they guard `sweep` against the next
  // regression of an internal that has leaked before. A healthy runtime gives no-leak.
  guardCanary(
    'fetch-loopback',
    'Canary: fetch() against a loopback HTTP server, 20 requests one after the other per iteration, bodies read and dropped.',
  ),
  guardCanary(
    'http-keep-alive',
    'Canary: http.request() through a keep-alive Agent (4 sockets) to a loopback server, 40 requests per iteration.',
  ),
  guardCanary(
    'streams',
    'Canary: stream.pipeline() over Readable.from() → Transform → Writable, and streams destroyed mid-flight.',
  ),
  guardCanary(
    'worker-threads',
    'Canary: worker_threads started per iteration, one exiting by itself and one terminated.',
  ),
  guardCanary(
    'weakref-finalization',
    'Canary: 500 objects per iteration held by WeakRefs and a long-lived FinalizationRegistry, dropped and collected.',
  ),
  guardCanary(
    'async-local-storage',
    'Canary: a long-lived AsyncLocalStorage, run() and enterWith() across promise, timer and immediate hops.',
  ),
];

/** A canary with the common schedule whose verdict comes from discovered classes and structures. */
function guardCanary(name: string, description: string): ScenarioInfo {
  return {
    name,
    description,
    file: canaryFile(name),
    kind: 'iterations',
    defaults: { snapshots: 12, everyIterations: 5, warmupSnapshots: 2 },
    expectation: 'runtime-dependent',
  };
}
