'use strict';
// Leak, a Map: sessions keyed by id, added every N calls and never deleted, next to a cache
// of the same shape that is pruned (so the Map itself is not the only suspect).

const every = Number(process.env.HEAPDRIFT_CORPUS_EVERY || 5);

class UserSession {
  constructor(id) {
    this.id = id;
    this.user = `user-${id % 100}`;
  }
}

const sessions = new Map();
const recent = new Map();
let sink = 0;

function iteration(i) {
  recent.set(i, { i });
  if (recent.size > 100) recent.delete(i - 100);
  if (i % every === 0) sessions.set(i, new UserSession(i));
  sink ^= recent.size;
}

module.exports = { iteration, result: () => sink + sessions.size };
