'use strict';
// Leak, a slow byte leak in a Buffer pool: buffers are taken from a pool and returned, but
// every Nth release keeps a 64-byte slice of the buffer in a "recent payloads" list.

const every = Number(process.env.HEAPDRIFT_CORPUS_EVERY || 10);
const pool = [];
const recentPayloads = [];
let sink = 0;

function acquire() {
  return pool.pop() ?? Buffer.alloc(1024);
}

function release(buffer, i) {
  if (i % every === 0) recentPayloads.push(Buffer.from(buffer.subarray(0, 64)));
  pool.push(buffer);
}

function iteration(i) {
  const buffer = acquire();
  buffer.writeUInt32LE(i, 0);
  sink ^= buffer[0];
  release(buffer, i);
}

module.exports = { iteration, result: () => sink + recentPayloads.length };
