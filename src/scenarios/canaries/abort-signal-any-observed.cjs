'use strict';
// Runtime canary: observed AbortSignal.any() composites that abort. Each composite follows a
// long-lived signal and a short-lived one, gets an 'abort' listener (which keeps it in the
// runtime's gcPersistentSignals set so it can still fire), and then aborts through the
// short-lived one. An aborted composite can never fire again, but until nodejs/node#64481 the
// abort path did not remove it from that set, so it and its WeakRef in the long-lived signal's
// dependant set stayed forever (nodejs/node#64476). Plain JS, Node 20–26.

const parameters = {
  /** Observed composites built and aborted per iteration. */
  compositesPerIteration: 200,
};

let longLived = null;
let fired = 0;

function onAbort() {
  fired++;
}

function setup() {
  longLived = new AbortController();
}

function iteration() {
  if (longLived === null) setup();
  for (let n = 0; n < parameters.compositesPerIteration; n++) {
    const shortLived = new AbortController();
    const composite = AbortSignal.any([longLived.signal, shortLived.signal]);
    composite.addEventListener('abort', onAbort);
    shortLived.abort();
  }
  // Collect what a fixed runtime lets go and let its finalization callbacks run.
  if (typeof globalThis.gc === 'function') globalThis.gc();
  return new Promise((resolve) => setImmediate(resolve));
}

function teardown() {
  longLived = null;
}

module.exports = {
  meta: {
    description:
      'Observed AbortSignal.any() composites aborted through a short-lived source (nodejs/node#64476).',
  },
  parameters,
  setup,
  iteration,
  teardown,
  result: () => fired,
};
