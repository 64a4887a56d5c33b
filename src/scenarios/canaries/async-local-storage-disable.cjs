'use strict';
// Runtime canary: short-lived AsyncLocalStorage instances. Each one runs an async callback with
// run(), is read after an await, and is disabled at the end of that async work; the docs say
// disable() is what lets an instance be collected. Each run() starts in its own setImmediate:
// run() leaves a trace of the instance in the context it was called from (an `undefined` store
// under the instance's symbol on the async resource up to 23.x, the instance itself as a key of
// the context frame from 24.11.0 at least), so called from the long-lived context of the
// scenario's loop every release grows (see README.md). Plain JS, Node 20–26.

const { AsyncLocalStorage } = require('node:async_hooks');

const parameters = {
  /** Instances created, used and disabled per iteration. */
  instancesPerIteration: 20,
};

/** The store: a leaked one shows by its class name. */
class ShortLivedContext {
  constructor(id) {
    this.id = id;
  }
}

let sink = 0;

const immediate = () => new Promise((resolve) => setImmediate(resolve));

function useOnce(id) {
  const local = new AsyncLocalStorage();
  return local.run(new ShortLivedContext(id), async () => {
    await immediate();
    const value = local.getStore().id;
    local.disable();
    return value;
  });
}

/** useOnce() called from a short-lived async resource, as a request handler would be. */
function useOnceInItsOwnResource(id) {
  return new Promise((resolve, reject) => {
    setImmediate(() => useOnce(id).then(resolve, reject));
  });
}

async function iteration(i) {
  const uses = [];
  for (let n = 0; n < parameters.instancesPerIteration; n++) uses.push(useOnceInItsOwnResource(i * 1000 + n));
  for (const value of await Promise.all(uses)) sink ^= value;
}

module.exports = {
  meta: {
    description: 'Short-lived AsyncLocalStorage instances: run() an async callback, disable() at its end.',
  },
  parameters,
  iteration,
  result: () => sink,
};
