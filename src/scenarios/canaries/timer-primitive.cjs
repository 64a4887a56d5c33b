'use strict';
// Runtime canary: timers turned into a primitive (`+setTimeout(...)`) that run to completion.
// Node registers such a Timeout in an internal id → timer table and, before nodejs/node#53337,
// removed it only on clearTimeout, so every completed one stayed reachable with its callback
// (nodejs/node#53335). Each iteration fires a batch and waits for it. Plain JS, Node 20–26.

const parameters = {
  /** Timers created, coerced and completed per iteration. */
  timersPerIteration: 100,
};

/** What each callback closes over, so a leaked Timeout keeps a named object alive. */
class TimerPayload {
  constructor(id) {
    this.id = id;
    this.fired = false;
  }
}

let sink = 0;
let nextId = 0;

function iteration() {
  return new Promise((resolve) => {
    for (let n = 0; n < parameters.timersPerIteration; n++) {
      const payload = new TimerPayload(nextId++);
      const timer = setTimeout(() => {
        payload.fired = true;
      }, 0);
      // The coercion is the trigger: it gives the timer a numeric id the runtime tracks.
      sink ^= +timer;
    }
    // Timers of one duration fire in the order they were created: this one fires last.
    setTimeout(resolve, 0);
  });
}

module.exports = {
  meta: {
    description:
      'Timeouts coerced to a primitive and left to complete (nodejs/node#53335): leaked until the fix in nodejs/node#53337.',
  },
  parameters,
  iteration,
  result: () => sink,
};
