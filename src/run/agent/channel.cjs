'use strict';
// Messages to the parent: one JSON object per line on file descriptor 3, written
// synchronously so both the busy main thread and the worker can use it at any moment.
// Plain CommonJS, unchanged on Node 20–26.

const fs = require('node:fs');

const channelFd = 3;
let broken = false;

function send(message) {
  if (broken) return;
  const bytes = Buffer.from(`${JSON.stringify(message)}\n`);
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += fs.writeSync(channelFd, bytes, offset, bytes.length - offset);
    } catch (error) {
      // EAGAIN: someone made the descriptor non-blocking; wait for the parent to read.
      if (error && error.code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      // EPIPE / EBADF: the parent is gone; the worker's watchdog ends the process.
      broken = true;
      return;
    }
  }
}

module.exports = { send, channelFd };
