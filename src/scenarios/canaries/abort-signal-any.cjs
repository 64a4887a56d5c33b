'use strict';
// Runtime canary: AbortSignal.any() over a long-lived signal. Each composite registers itself
// (through a WeakRef) with its sources; before nodejs/node#55354 nothing removed those entries
// when a composite died, so a long-lived source's dependant set grew forever
// (nodejs/node#55351). The composites here are dropped at once;
// the loop yields so cleanup callbacks can run. Plain JS, Node 20–26.

const parameters = {
  /** Composites built (and dropped) per iteration. */
  compositesPerIteration: 200,
};

let longLived = null;
let sink = 0;

function setup() {
  longLived = new AbortController();
}

function iteration() {
  if (longLived === null) setup();
  for (let n = 0; n < parameters.compositesPerIteration; n++) {
    const shortLived = new AbortController();
    const composite = AbortSignal.any([longLived.signal, shortLived.signal]);
    sink ^= composite.aborted ? 1 : 2;
  }
  // Fixed runtimes prune dead entries from FinalizationRegistry callbacks: collect the dropped
  // composites now and let the loop turn so the callbacks run before the next iteration.
  // (Without the gc() here, 22.23.5 and 23.11.1 kept every entry until the next snapshot's
  // collection, and those entries were still there at every snapshot: growth on fixed runtimes.)
  if (typeof globalThis.gc === 'function') globalThis.gc();
  return new Promise((resolve) => setImmediate(resolve));
}

function teardown() {
  longLived = null;
}

module.exports = {
  meta: {
    description: 'AbortSignal.any() composites of a long-lived signal, dropped at once (nodejs/node#55351).',
  },
  parameters,
  setup,
  iteration,
  teardown,
  result: () => sink,
};
