'use strict';
// Layout of the SharedArrayBuffer shared by the agent's main-thread side and its worker: the
// only channel that works while the scenario's main thread never yields (see DESIGN.md).
// Plain CommonJS, unchanged on Node 20–26.

/** Int32 slots (Atomics). */
const slot = {
  workerConnected: 0, // worker sets 1 once its inspector session reaches the main thread
  stop: 1, // 1 = the scenario must end (limit reached, or the parent asked)
  started: 2, // 1 = the scenario runs; time 0 is in startTime
  doneSequence: 4, // last capture request (numbered by the worker) served by the main thread
  workerFailed: 5, // 1 = the worker could not connect (its message is on the channel)
  disconnectRequested: 6, // main thread is exiting: the worker must close its session
  disconnected: 7, // worker closed its session
};
const int32Slots = 8;

/** Float64 slots, after the Int32 ones. */
const timeSlot = {
  startTime: 0, // epoch ms (fractional) when the scenario started
};
const float64Slots = 1;

function createSharedState() {
  const buffer = new SharedArrayBuffer(int32Slots * 4 + float64Slots * 8);
  return viewsOf(buffer);
}

function viewsOf(buffer) {
  return {
    buffer,
    ints: new Int32Array(buffer, 0, int32Slots),
    times: new Float64Array(buffer, int32Slots * 4, float64Slots),
  };
}

/** Epoch milliseconds with sub-millisecond precision, comparable across threads. */
function now() {
  return performance.timeOrigin + performance.now();
}

module.exports = { slot, timeSlot, createSharedState, viewsOf, now };
