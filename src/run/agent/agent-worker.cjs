'use strict';
// The agent's worker thread: the clock of a capture. It reaches the scenario's main thread
// through an inspector session (no network port) and, on schedule, has it run
// __heapdriftCapture by Runtime.evaluate, which V8 serves by interrupt even inside a loop that
// never yields; completion comes back through shared memory, not the inspector reply (that
// reply waits for the main event loop). Plain CommonJS, unchanged on Node 20–26.

const { workerData } = require('node:worker_threads');
const inspector = require('node:inspector');
const net = require('node:net');
const { slot, timeSlot, viewsOf, now } = require('./shared-state.cjs');
const { send } = require('./channel.cjs');

const config = workerData.config;
const { ints, times } = viewsOf(workerData.buffer);
const controlFd = 4;
const pollMs = 20;
const pendingPollMs = 2;

const session = connect();
let sequence = 0;
let pending = null; // { sequence, kind } until the main thread has served it
let nextSnapshotAt = config.mode === 'script' ? 0 : config.everyMs || Infinity;
let nextSampleAt = config.sampleMs || Infinity;
let snapshotsRequested = 0;
let stopReason = null;
let stopSent = false;

if (session) {
  watchParent();
  disconnectWhenAsked();
  tick();
}

function connect() {
  try {
    const connected = new inspector.Session();
    connected.connectToMainThread();
    Atomics.store(ints, slot.workerConnected, 1);
    Atomics.notify(ints, slot.workerConnected);
    return connected;
  } catch (error) {
    send({ type: 'error', code: 'agent-failed', message: `inspector: ${error.message}` });
    Atomics.store(ints, slot.workerFailed, 1);
    Atomics.notify(ints, slot.workerConnected);
    return null;
  }
}

/**
 * A process that exits with a session still connected prints "Waiting for the debugger to
 * disconnect..." on stderr; the main thread asks for the session to close from its exit hook.
 */
function disconnectWhenAsked() {
  const disconnect = () => {
    try {
      session.disconnect();
    } finally {
      Atomics.store(ints, slot.disconnected, 1);
      Atomics.notify(ints, slot.disconnected);
    }
  };
  const waiting = Atomics.waitAsync(ints, slot.disconnectRequested, 0);
  if (waiting.async) waiting.value.then(disconnect);
  else disconnect();
}

/** Commands from the parent on fd 4; end of file means the parent is gone. */
function watchParent() {
  let control;
  try {
    control = new net.Socket({ fd: controlFd, readable: true, writable: false });
  } catch {
    return; // started without a control pipe (by hand): nothing to watch
  }
  let buffered = '';
  control.setEncoding('utf8');
  control.on('data', (chunk) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const command = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (command === 'stop') stopReason = stopReason || 'parent';
      newline = buffered.indexOf('\n');
    }
  });
  control.on('end', parentGone);
  control.on('error', parentGone);
}

function parentGone() {
  // The child must never outlive the parent (its group, scenario subprocesses included).
  try {
    process.kill(config.ownProcessGroup ? -process.pid : process.pid, 'SIGKILL');
  } catch {
    process.kill(process.pid, 'SIGKILL');
  }
}

function tick() {
  let delay = pollMs;
  if (pending) checkPending();
  // A pending sample must not hold back a due snapshot or a stop: if the main thread is
  // blocked, the snapshot request is what the parent's timeout watches.
  const busyWithSnapshot = pending !== null && pending.kind === 'snapshot';
  if (!busyWithSnapshot && !stopSent) {
    if (Atomics.load(ints, slot.started) === 1) delay = Math.min(delay, step());
    else if (stopReason) stopMain(); // asked to stop during an iteration scenario's setup
  }
  if (pending) delay = pendingPollMs;
  setTimeout(tick, Math.max(1, delay));
}

/** One scheduling decision; returns ms until the next thing is due. */
function step() {
  const elapsed = now() - times[timeSlot.startTime];
  if (config.durationMs && elapsed >= config.durationMs) stopReason = stopReason || 'duration';
  if (stopReason || Atomics.load(ints, slot.stop) === 1) {
    stopMain();
    return pollMs;
  }
  if (elapsed >= nextSnapshotAt) {
    const trigger = config.mode === 'script' && snapshotsRequested === 0 ? 'baseline' : 'time';
    snapshotsRequested++;
    post('snapshot', trigger);
    nextSnapshotAt = skipMissed(nextSnapshotAt + (config.everyMs || Infinity), config.everyMs, elapsed);
    return pendingPollMs;
  }
  if (elapsed >= nextSampleAt && pending === null) {
    post('sample', 'time');
    nextSampleAt = skipMissed(nextSampleAt + config.sampleMs, config.sampleMs, elapsed);
    return pendingPollMs;
  }
  const durationLeft = config.durationMs ? config.durationMs - elapsed : Infinity;
  const sampleLeft = pending === null ? nextSampleAt - elapsed : Infinity;
  return Math.min(nextSnapshotAt - elapsed, sampleLeft, durationLeft);
}

/** The first slot of a fixed-rate schedule that is still ahead of `elapsed`. */
function skipMissed(due, every, elapsed) {
  if (!every) return Infinity;
  let next = due;
  while (next <= elapsed) next += every;
  return next;
}

function post(kind, trigger) {
  sequence++;
  const requestedAt = now();
  pending = { sequence, kind };
  if (kind === 'snapshot') send({ type: 'requested', sequence, trigger });
  session.post(
    'Runtime.evaluate',
    {
      expression: `globalThis.__heapdriftCapture(${sequence}, '${kind}', '${trigger}', ${requestedAt})`,
      silent: true,
    },
    ignoreReply,
  );
}

function ignoreReply() {}

/**
 * A late snapshot is the parent's to judge (it has the timeout); here we only wait. Slots
 * missed while capturing are skipped from the completion time, so the scenario always gets
 * run time between two snapshots, and samples resume one period after it.
 */
function checkPending() {
  if (Atomics.load(ints, slot.doneSequence) < pending.sequence) return;
  if (pending.kind === 'snapshot') {
    const elapsed = now() - times[timeSlot.startTime];
    nextSnapshotAt = skipMissed(nextSnapshotAt, config.everyMs, elapsed);
    nextSampleAt = elapsed + (config.sampleMs || Infinity);
  }
  pending = null;
}

/** Tell the main thread to end; a script is then ended by the parent (on 'stopping'). */
function stopMain() {
  if (stopSent) return;
  stopSent = true;
  const alreadyStopping = Atomics.load(ints, slot.stop) === 1;
  Atomics.store(ints, slot.stop, 1);
  Atomics.notify(ints, slot.stop);
  if (alreadyStopping) return;
  send({ type: 'stopping', reason: stopReason || 'limit' });
  // The runner polls a plain JS flag (an Atomics.load per iteration halved the throughput of
  // light iterations); it is set on the main thread, by interrupt like a capture.
  if (config.mode === 'iterations') post('stop', stopReason || 'limit');
}
