'use strict';
// Leak, one object per N calls: every Nth call keeps a small AuditEntry of the program's own
// class in a module-level list, among plenty of garbage. The first example (one per
// 10 calls); the benchmark lowers the rate with HEAPDRIFT_CORPUS_EVERY to find the limit.

const every = Number(process.env.HEAPDRIFT_CORPUS_EVERY || 10);

class AuditEntry {
  constructor(id) {
    this.id = id;
    this.at = id * 7;
  }
}

const auditTrail = [];
let sink = 0;

function iteration(i) {
  // Garbage: a few hundred short-lived objects and strings per call.
  const scratch = [];
  for (let n = 0; n < 300; n++) scratch.push({ n, label: `item-${i}-${n}` });
  sink ^= scratch.length + scratch[i % 300].label.length;
  if (i % every === 0) auditTrail.push(new AuditEntry(i));
}

module.exports = { iteration, result: () => sink + auditTrail.length };
