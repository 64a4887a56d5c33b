'use strict';
// Runtime canary: vm.compileFunction() with an importModuleDynamically callback, the pattern
// test runners (jest) use for every module they load. Runtimes that keep each compiled
// function's callback registration alive leak one entry per compile (nodejs/node#42080 and
// later reports). The functions are dropped at once. Plain JS, Node 20–26.

const vm = require('node:vm');

const parameters = {
  /** Functions compiled (and dropped) per iteration. */
  compilesPerIteration: 50,
};

let sink = 0;
let serial = 0;

async function importModuleDynamically() {
  return {};
}

function iteration() {
  for (let n = 0; n < parameters.compilesPerIteration; n++) {
    // Unique source, so nothing is shared through the compilation cache.
    const fn = vm.compileFunction(`return a + ${serial++};`, ['a'], { importModuleDynamically });
    sink ^= fn(1);
  }
  // Let the loop turn: weak callbacks that drop the registrations run as tasks.
  if (typeof globalThis.gc === 'function') globalThis.gc();
  return new Promise((resolve) => setImmediate(resolve));
}

module.exports = {
  meta: {
    description:
      'vm.compileFunction() with importModuleDynamically, functions dropped at once (nodejs/node#42080).',
  },
  parameters,
  iteration,
  result: () => sink,
};
