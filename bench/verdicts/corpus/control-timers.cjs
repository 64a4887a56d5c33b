'use strict';
// Negative control, timers and listeners that are cleaned up: every call starts a timeout and
// subscribes a listener, and clears both before it returns; an interval keeps running.

const { EventEmitter } = require('node:events');

const bus = new EventEmitter();
const heartbeat = setInterval(() => bus.emit('heartbeat'), 60_000);
heartbeat.unref();
let sink = 0;

function iteration(i) {
  const onChange = () => (sink ^= i);
  bus.on('config-changed', onChange);
  const timer = setTimeout(onChange, 60_000);
  bus.emit('config-changed');
  clearTimeout(timer);
  bus.off('config-changed', onChange);
}

module.exports = { iteration, result: () => sink };
