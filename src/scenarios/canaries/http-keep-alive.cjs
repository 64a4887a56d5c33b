'use strict';
// Runtime canary: http.request() through a keep-alive Agent to a loopback server in the same
// process. Sockets are reused across requests (the Agent's free-socket pool stays at its cap);
// each request adds and removes listeners on a reused socket, the pattern behind past
// keep-alive listener and parser leaks. Plain JS, Node 20–26; listens on 127.0.0.1 only.

const http = require('node:http');

const parameters = {
  /** Requests per iteration, sent concurrently over at most `sockets` connections. */
  requestsPerIteration: 40,
  sockets: 4,
  /** Iterations run in setup, before the baseline snapshot. */
  warmupIterations: 60,
};

let server = null;
let agent = null;
let port = 0;
let sink = 0;

async function setup() {
  server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => response.end(`ok ${request.url}`));
  });
  // Longer than any pause for a heap snapshot, so no idle socket is closed while it is reused.
  server.keepAliveTimeout = 120_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
  agent = new http.Agent({ keepAlive: true, maxSockets: parameters.sockets });
  // Node 24.21.0 allocated a 64 KiB buffer once, after ~45 iterations (kept by the http
  // server's requestTimeoutResponse): warm up before the baseline so it is not read as growth.
  for (let i = 0; i < parameters.warmupIterations; i++) await iteration(-1 - i);
}

function requestOne(n) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: `/item/${n}`, method: 'POST', agent },
      (response) => {
        let length = 0;
        response.on('data', (chunk) => {
          length += chunk.length;
        });
        response.on('end', () => resolve(length));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(`body ${n}`);
  });
}

// End each iteration on a turn of the loop: the runner snapshots when the iteration's promise
// settles, and settling it inside a socket or timer callback left a varying number of handles
// on the native stack ((GC roots) > (Handle scope): 35 → 869 edges on 22.23.5, inconclusive).
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function iteration(i) {
  const batch = [];
  for (let n = 0; n < parameters.requestsPerIteration; n++) batch.push(requestOne(i * 1000 + n));
  for (const length of await Promise.all(batch)) sink ^= length;
  await settle();
}

async function teardown() {
  if (agent !== null) agent.destroy();
  if (server === null) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  server = null;
  agent = null;
}

module.exports = {
  meta: { description: 'http.request() through a keep-alive Agent to a loopback server.' },
  parameters,
  setup,
  iteration,
  teardown,
  result: () => sink,
};
