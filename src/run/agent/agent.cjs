'use strict';
// Preloaded (`node --require agent.cjs`) into the child that runs a scenario: defines the
// main-thread capture function, starts the worker that triggers it on schedule, and blocks
// until that worker is connected, because a worker cannot start once the scenario keeps the
// main thread busy. Plain CommonJS, unchanged on Node 20–26.

const { isMainThread } = require('node:worker_threads');

const configVariable = 'HEAPDRIFT_AGENT';

// Workers inherit `--require`: only the process's main thread hosts the agent.
if (isMainThread && process.env[configVariable] !== undefined && !globalThis.__heapdriftCapture) {
  module.exports = installAgent(JSON.parse(process.env[configVariable]));
} else {
  module.exports = { installed: false };
}

function installAgent(config) {
  const fs = require('node:fs');
  const path = require('node:path');
  const v8 = require('node:v8');
  const { Worker } = require('node:worker_threads');
  const { slot, timeSlot, createSharedState, now } = require('./shared-state.cjs');
  const { send } = require('./channel.cjs');

  // The scenario's own child processes must not inherit the agent.
  delete process.env[configVariable];

  const collectGarbage = globalThis.gc;
  if (typeof collectGarbage !== 'function') {
    fail('gc() is not exposed: the agent needs --expose-gc');
  }

  const shared = createSharedState();
  const { ints, times } = shared;
  const state = {
    installed: true,
    config,
    iteration: 0,
    snapshotCount: 0,
    capturing: false,
    deferred: [],
    ownSession: null,
    stopReason: null,
    // Read by the runner between iterations: a plain property is free, Atomics.load is not.
    stopRequested: false,
  };

  startWorker();
  process.on('exit', disconnectWorker);
  Object.defineProperty(globalThis, '__heapdriftCapture', {
    value: captureOnRequest,
    enumerable: false,
    writable: false,
    configurable: false,
  });
  send({
    type: 'ready',
    nodeVersion: process.version,
    v8Version: process.versions.v8,
    pid: process.pid,
    mode: config.mode,
  });
  // A plain script starts right after this preload returns; an iteration scenario starts
  // when the runner calls start() after its setup.
  if (config.mode === 'script') markStarted();

  function startWorker() {
    let worker;
    try {
      worker = new Worker(path.join(__dirname, 'agent-worker.cjs'), {
        workerData: { buffer: shared.buffer, config },
        execArgv: [],
        stdout: true,
        stderr: true,
        resourceLimits: { maxOldGenerationSizeMb: 64 },
      });
    } catch (error) {
      fail(`cannot start the agent worker: ${error.message}`);
    }
    worker.unref();
    // Wait (the event loop is not needed) until the worker's session reaches this thread.
    const deadline = now() + config.connectTimeoutMs;
    while (Atomics.load(ints, slot.workerConnected) === 0 && Atomics.load(ints, slot.workerFailed) === 0) {
      const remaining = deadline - now();
      if (remaining <= 0) fail('the agent worker did not connect in time');
      Atomics.wait(ints, slot.workerConnected, 0, Math.min(remaining, 100));
    }
    if (Atomics.load(ints, slot.workerFailed) === 1)
      fail('the agent worker could not connect to the main thread');
  }

  function disconnectWorker() {
    if (state.ownSession) state.ownSession.disconnect();
    Atomics.store(ints, slot.disconnectRequested, 1);
    Atomics.notify(ints, slot.disconnectRequested);
    Atomics.wait(ints, slot.disconnected, 0, 500);
  }

  function fail(message) {
    send({ type: 'error', code: 'agent-failed', message });
    process._rawDebug(`heapdrift agent: ${message}`);
    process.exit(70);
  }

  function markStarted() {
    times[timeSlot.startTime] = now();
    Atomics.store(ints, slot.started, 1);
    Atomics.notify(ints, slot.started);
  }

  /** Iteration scenarios: time 0 and the baseline snapshot, after setup. */
  function start() {
    times[timeSlot.startTime] = now();
    takeSnapshot('baseline', now());
    markStarted();
  }

  function elapsed(at) {
    return at - times[timeSlot.startTime];
  }

  /** Called on the main thread by the worker's Runtime.evaluate (served by interrupt). */
  function captureOnRequest(sequence, kind, trigger, requestedAt) {
    if (state.capturing) {
      // An interrupt landed inside a capture: serve it right after, never nested.
      state.deferred.push([sequence, kind, trigger, requestedAt]);
      return;
    }
    state.capturing = true;
    try {
      if (kind === 'snapshot') takeSnapshotUnguarded(trigger, requestedAt);
      else if (kind === 'stop') state.stopRequested = true;
      else send(Object.assign({ type: 'sample' }, takeSample(false)));
    } catch (error) {
      send({ type: 'error', code: 'capture-failed', message: String(error?.message) });
    } finally {
      state.capturing = false;
      Atomics.store(ints, slot.doneSequence, sequence);
      Atomics.notify(ints, slot.doneSequence);
    }
    const next = state.deferred.shift();
    if (next) captureOnRequest(next[0], next[1], next[2], next[3]);
  }

  function takeSnapshot(trigger, requestedAt) {
    state.capturing = true;
    try {
      takeSnapshotUnguarded(trigger, requestedAt);
    } finally {
      state.capturing = false;
    }
    const next = state.deferred.shift();
    if (next) captureOnRequest(next[0], next[1], next[2], next[3]);
  }

  function takeSnapshotUnguarded(trigger, requestedAt) {
    const index = state.snapshotCount++;
    send({ type: 'capture-start', index, trigger });
    const startedAt = now();
    collectGarbage();
    const collectedAt = now();
    const sample = takeSample(true);
    const file = path.join(
      config.snapshotDir,
      `heapdrift-${process.pid}-${String(index).padStart(4, '0')}.heapsnapshot`,
    );
    const partial = `${file}.partial`;
    // Snapshots hold every string of the program: created private, not chmod-ed afterwards.
    const previousMask = process.umask(0o077);
    try {
      v8.writeHeapSnapshot(partial);
    } finally {
      process.umask(previousMask);
    }
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, file);
    if (config.stableObjectIds === false) forgetObjectIds();
    const finishedAt = now();
    send({
      type: 'snapshot',
      index,
      trigger,
      file,
      iteration: sample.iteration,
      elapsedMs: elapsed(startedAt),
      captureMs: finishedAt - requestedAt,
      gcMs: collectedAt - startedAt,
      writeMs: finishedAt - collectedAt,
      sample,
    });
    if (config.maxSnapshots && state.snapshotCount >= config.maxSnapshots) requestStop('max-snapshots');
  }

  /**
   * After a first snapshot V8 tracks every object move to keep ids stable across snapshots,
   * which slows allocation-heavy code by ~20–30% (measured here). Clearing the id map
   * (HeapProfiler.disable, on a same-thread session, served synchronously) stops that, at the
   * price of ids that no longer match between snapshots.
   */
  function forgetObjectIds() {
    if (!state.ownSession) {
      const inspector = require('node:inspector');
      state.ownSession = new inspector.Session();
      state.ownSession.connect();
    }
    state.ownSession.post('HeapProfiler.disable');
  }

  function takeSample(afterGc) {
    const at = now();
    const spaces = v8.getHeapSpaceStatistics().map((space) => ({
      name: space.space_name,
      size: space.space_size,
      used: space.space_used_size,
      available: space.space_available_size,
      physical: space.physical_space_size,
    }));
    return {
      time: elapsed(at),
      timestamp: at,
      iteration: config.mode === 'iterations' ? state.iteration : null,
      afterGc,
      memory: process.memoryUsage(),
      heap: v8.getHeapStatistics(),
      spaces,
    };
  }

  function requestStop(reason) {
    if (state.stopReason !== null) return;
    state.stopReason = reason;
    state.stopRequested = true;
    Atomics.store(ints, slot.stop, 1);
    Atomics.notify(ints, slot.stop);
    send({ type: 'stopping', reason });
  }

  function shouldStop() {
    return state.stopRequested;
  }

  /** Iteration scenarios: the loop ended (teardown done); the process exits next. */
  function finish(iterations) {
    send({ type: 'finished', iterations });
  }

  return {
    installed: true,
    state,
    config,
    start,
    snapshot: (trigger) => takeSnapshot(trigger, now()),
    shouldStop,
    finish,
  };
}
