'use strict';
// Leak, vm contexts kept: every Nth call compiles a small script in a new vm context and keeps
// the context in a list (each context holds a whole global object and its builtins).

const vm = require('node:vm');

const every = Number(process.env.HEAPDRIFT_CORPUS_EVERY || 20);
const sandboxes = [];
let sink = 0;

function iteration(i) {
  if (i % every !== 0) return;
  const sandbox = vm.createContext({ input: i });
  sink ^= vm.runInContext('input * 2', sandbox);
  sandboxes.push(sandbox);
}

module.exports = { iteration, result: () => sink + sandboxes.length };
