// Preloaded into the example service by the monitor-overhead benchmark (`--import`): turns the
// monitor on and off inside ONE service process on IPC messages from the benchmark, and reports
// each round's CPU time (process.cpuUsage), requests served and how often other processes
// preempted it (involuntary context switches), so rounds compare the same process.
// Not part of the example: the service stays as a user would run it (here with MONITOR=off).

import { subscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { startMonitor } from 'heapdrift/monitor';

let requests = 0;
// Counted in every round alike (with or without the monitor), so it cancels in the difference.
subscribe('http.server.request.start', () => {
  requests++;
});

/** The round in progress: its start readings and its monitor, if on. */
let round = null;

function begin(message) {
  const cpu = process.cpuUsage();
  round = { cpu, usage: process.resourceUsage(), requests, started: performance.now(), monitor: null };
  // Its warm-up off, so its rules run on every interval as after a real service's warm-up.
  if (message.monitor) round.monitor = startMonitor({ intervalMs: message.intervalMs, warmupMs: 0 });
  process.send({ type: 'begun' });
}

async function end() {
  const used = process.cpuUsage(round.cpu);
  const usage = process.resourceUsage();
  const elapsedMs = performance.now() - round.started;
  const served = requests - round.requests;
  const { monitor, usage: before } = round;
  round = null;
  const status = monitor?.status();
  await monitor?.stop();
  process.send({
    type: 'ended',
    cpuMicroseconds: used.user + used.system,
    elapsedMs,
    requests: served,
    gcs: status?.gc.total ?? null,
    evaluations: status?.evaluations ?? null,
    involuntarySwitches: usage.involuntaryContextSwitches - before.involuntaryContextSwitches,
  });
}

process.on('message', (message) => {
  if (message?.type === 'begin') begin(message);
  else if (message?.type === 'end') void end();
});
// The IPC channel would keep the service alive after its server closes.
process.channel?.unref();
