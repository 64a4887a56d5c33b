'use strict';
// Leak, closures in timers: every Nth call starts a long interval whose closure holds a small
// context and never clears it (the callbacks never fire during the run; the timers stay).

const every = Number(process.env.HEAPDRIFT_CORPUS_EVERY || 5);
let sink = 0;

function iteration(i) {
  if (i % every !== 0) return;
  const context = { id: i, retries: 0 };
  const timer = setInterval(() => (sink ^= context.id), 3_600_000);
  timer.unref();
}

module.exports = { iteration, result: () => sink };
