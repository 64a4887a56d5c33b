'use strict';
// Leak, listeners never removed: every Nth request subscribes a closure to a shared
// EventEmitter and never unsubscribes; an interval timer (unref'd) keeps a reference to the
// bus, so the timer list is the shortest path to everything (the fourth example).

const { EventEmitter } = require('node:events');

const every = Number(process.env.HEAPDRIFT_CORPUS_EVERY || 2);
const bus = new EventEmitter();
bus.setMaxListeners(0);
const heartbeat = setInterval(() => bus.emit('heartbeat'), 60_000);
heartbeat.unref();
let sink = 0;

function handleRequest(i) {
  const ctx = { requestId: i, tags: ['a', 'b'] };
  if (i % every === 0) bus.on('config-changed', () => (sink ^= ctx.requestId));
  return ctx.tags.length;
}

function iteration(i) {
  sink ^= handleRequest(i);
}

module.exports = { iteration, result: () => sink };
