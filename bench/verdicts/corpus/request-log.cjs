'use strict';
// Leak, a growing array: every call appends a small record to a module-level request log that
// is never trimmed (plain objects, no class of their own).

const every = Number(process.env.HEAPDRIFT_CORPUS_EVERY || 1);
const requestLog = [];
let sink = 0;

function iteration(i) {
  const headers = { accept: 'application/json', 'x-id': String(i) };
  sink ^= headers['x-id'].length;
  if (i % every === 0) requestLog.push({ id: i, path: `/items/${i % 50}`, status: 200 });
}

module.exports = { iteration, result: () => sink + requestLog.length };
