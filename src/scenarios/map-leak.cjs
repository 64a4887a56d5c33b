'use strict';
// An ordinary application leak: sessions are stored in a Map by request id and never removed.
// The analysis must name `LeakySession` (and the Map's backing table) as the growing classes.
// Growth is a few KB per iteration so the heap stays small. Plain JS, Node 20–26.

const parameters = {
  /** Sessions added (and never removed) per iteration. */
  sessionsPerIteration: 20,
  /** Short-lived requests handled per iteration (churn that must not be blamed). */
  requestsPerIteration: 200,
};

class LeakySession {
  constructor(requestId, user) {
    this.requestId = requestId;
    this.user = user;
    this.startedAt = requestId * 1000;
    this.roles = ['reader', requestId % 2 === 0 ? 'writer' : 'guest'];
  }
}

class TransientRequest {
  constructor(id, path) {
    this.id = id;
    this.path = path;
    this.headers = { accept: 'application/json', 'x-request-id': String(id) };
  }
}

let sessionsByRequestId = null;
let nextRequestId = 0;
let sink = 0;

function setup() {
  sessionsByRequestId = new Map();
  nextRequestId = 0;
  sink = 0;
}

function handleRequest(id) {
  const request = new TransientRequest(id, `/items/${id % 97}`);
  return request.path.length + request.headers['x-request-id'].length;
}

function iteration() {
  if (sessionsByRequestId === null) setup();
  for (let n = 0; n < parameters.requestsPerIteration; n++) sink ^= handleRequest(nextRequestId + n);
  for (let n = 0; n < parameters.sessionsPerIteration; n++) {
    const requestId = nextRequestId++;
    // The bug: sessions are registered per request and never deleted.
    sessionsByRequestId.set(requestId, new LeakySession(requestId, `user-${requestId % 1000}`));
  }
}

function teardown() {
  sessionsByRequestId = null;
}

module.exports = {
  meta: {
    description:
      'App-level leak: a Map from request id to LeakySession that is never pruned (~20 sessions, a few KB, per iteration).',
  },
  parameters,
  setup,
  iteration,
  teardown,
  /** Folded results of the iterations, so no work can be optimized away. */
  result: () => sink,
};
