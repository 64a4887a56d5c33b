'use strict';
// Runtime canary: WeakRef and FinalizationRegistry. Each iteration makes objects, holds them only
// through WeakRefs and a long-lived FinalizationRegistry (half registered with an unregister
// token that is used), drops them, collects and lets the cleanup callbacks run. A runtime that
// keeps registry cells, WeakRef targets or cleared cells grows here. Plain JS, Node 20–26.

const parameters = {
  /** Objects registered (and dropped) per iteration. */
  objectsPerIteration: 500,
};

/** What the registry and the WeakRefs point at, so a leaked one shows by its class name. */
class FinalizationTarget {
  constructor(n) {
    this.n = n;
    this.payload = [n, n + 1, n + 2];
  }
}

let registry = null;
let cleaned = 0;
let sink = 0;

function setup() {
  registry = new FinalizationRegistry((held) => {
    cleaned += held;
  });
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

async function iteration() {
  if (registry === null) setup();
  let refs = [];
  for (let n = 0; n < parameters.objectsPerIteration; n++) {
    const target = new FinalizationTarget(n);
    const token = n % 2 === 0 ? {} : undefined;
    registry.register(target, 1, token);
    if (token) registry.unregister(token);
    refs.push(new WeakRef(target));
  }
  // WeakRef targets stay alive until the current job ends: collect after a turn, then let the
  // registry's cleanup task run.
  await turn();
  for (const ref of refs) sink ^= ref.deref() === undefined ? 1 : 2;
  refs = null;
  if (typeof globalThis.gc === 'function') globalThis.gc();
  await turn();
  await turn();
}

function teardown() {
  registry = null;
}

module.exports = {
  meta: { description: 'WeakRefs and a long-lived FinalizationRegistry over objects dropped at once.' },
  parameters,
  setup,
  iteration,
  teardown,
  result: () => sink + cleaned,
};
