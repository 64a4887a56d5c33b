'use strict';
// Runtime canary: AsyncLocalStorage across async hops. Each iteration runs tasks in a long-lived
// store with run() and enterWith(), each hopping through promises, setImmediate, setTimeout and
// queueMicrotask. A runtime that keeps stores or the async resources that carried them alive
// grows here. (Short-lived instances that are disable()d leak on every release: see the canaries README.) Plain JS, Node 20–26.

const { AsyncLocalStorage } = require('node:async_hooks');

const parameters = {
  /** Tasks per iteration run with run(), and as many with enterWith(). */
  tasksPerIteration: 50,
};

/** The store: a leaked one shows by its class name. */
class RequestContext {
  constructor(id) {
    this.id = id;
    this.tags = [`request-${id}`];
  }
}

const storage = new AsyncLocalStorage();
let sink = 0;

const immediate = () => new Promise((resolve) => setImmediate(resolve));
const timeout = () => new Promise((resolve) => setTimeout(resolve, 0));
const microtask = () => new Promise((resolve) => queueMicrotask(resolve));

/** Hops through every kind of async boundary and reads the store after each. */
async function hops() {
  let seen = 0;
  for (const hop of [immediate, timeout, microtask]) {
    await hop();
    seen += storage.getStore().id;
  }
  await Promise.all([immediate(), microtask()]);
  return seen + storage.getStore().id;
}

function enterWithTask(id) {
  // enterWith changes the store for the rest of this synchronous execution and what it
  // schedules: start it in its own async resource so it does not leak into the caller.
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      storage.enterWith(new RequestContext(id));
      hops().then(resolve, reject);
    });
  });
}

// End each iteration on a turn of the loop: the runner snapshots when the iteration's promise
// settles, and settling it inside a socket or timer callback left a varying number of handles
// on the native stack ((GC roots) > (Handle scope): 35 → 869 edges on 22.23.5, inconclusive).
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function iteration(i) {
  const tasks = [];
  for (let n = 0; n < parameters.tasksPerIteration; n++) {
    const id = i * 1000 + n;
    tasks.push(storage.run(new RequestContext(id), hops));
    tasks.push(enterWithTask(id));
  }
  for (const value of await Promise.all(tasks)) sink ^= value;
  await settle();
}

module.exports = {
  meta: { description: 'AsyncLocalStorage run() and enterWith() across promise, timer and immediate hops.' },
  parameters,
  iteration,
  result: () => sink,
};
