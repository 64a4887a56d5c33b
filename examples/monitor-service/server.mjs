// A small HTTP service watched by heapdrift's in-process monitor, with a leak you can turn
// on: each request to /work then keeps a LeakedSession forever. Events are printed as JSON
// lines on stdout; Prometheus metrics are served on /metrics, the monitor's status on /status.
//
//   node examples/monitor-service/server.mjs            # PORT=3000, leak off
//   LEAK=1 HEAPDRIFT_MONITOR_INTERVAL_MS=1000 node examples/monitor-service/server.mjs
//   curl -X POST 'http://127.0.0.1:3000/leak?on=1'     # or turn it on later
//
// Monitor options come from the HEAPDRIFT_MONITOR_* variables (as with the preload);
// MONITOR=off runs the service without its own monitor (to compare, or to use the preload).

import { createServer } from 'node:http';
import { preloadSettings, registerPrometheusMetrics, startMonitor } from 'heapdrift/monitor';
import client from 'prom-client';

const leakEntries = Number(process.env.LEAK_ENTRIES ?? 200);
let leaking = process.env.LEAK === '1';
let requests = 0;

class LeakedSession {
  constructor(id) {
    this.id = id;
    this.createdAt = Date.now();
    this.history = new Array(leakEntries).fill(id);
  }
}
// The leak: sessions are added and never removed.
const sessions = [];
// Not a leak: the latest responses, kept a while (as caches and keep-alive buffers do), so
// their objects live past young-generation collections and reach the old generation. Filled
// at start, so its size is constant from the first request on.
const RECENT = 1000;
const recent = Array.from({ length: RECENT }, (_, id) => makeItems(id));

const log = (event, payload) => process.stdout.write(`${JSON.stringify({ event, ...payload })}\n`);

const settings = preloadSettings();
const registry = new client.Registry();
const monitor = process.env.MONITOR === 'off' ? null : startMonitor(settings.monitor);
if (monitor) {
  await registerPrometheusMetrics(monitor, { registry, client });
  monitor.on('leak-suspected', (event) => log('leak-suspected', event));
  monitor.on('leak-cleared', (event) => log('leak-cleared', event));
  monitor.on('snapshot', (event) => log('snapshot', event));
  monitor.on('warning', (event) => log('warning', event));
}

function makeItems(id, count) {
  return Array.from({ length: count }, (_, index) => ({ index, label: `item-${id}-${index}` }));
}

/** Some honest work per request: build, serialize and drop an object graph (`items` long). */
function work(id, count) {
  const items = makeItems(id, count);
  recent[id % RECENT] = items;
  if (leaking) sessions.push(new LeakedSession(id));
  return JSON.stringify({ id, count: items.length, sum: items.reduce((sum, item) => sum + item.index, 0) });
}

const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === '/work') {
    requests++;
    response.setHeader('content-type', 'application/json');
    // `?items=` makes each request heavier (the overhead benchmark's saturation phase uses it).
    const count = Math.min(Number(url.searchParams.get('items')) || 100, 10_000);
    response.end(work(requests, count));
  } else if (url.pathname === '/metrics') {
    response.setHeader('content-type', registry.contentType);
    response.end(await registry.metrics());
  } else if (url.pathname === '/status') {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ monitor: monitor?.status() ?? null, leaking, sessions: sessions.length }));
  } else if (url.pathname === '/stats') {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ requests, cpu: process.cpuUsage(), memory: process.memoryUsage() }));
  } else if (url.pathname === '/leak' && request.method === 'POST') {
    leaking = url.searchParams.get('on') === '1';
    response.end(JSON.stringify({ leaking }));
  } else {
    response.statusCode = 404;
    response.end('not found\n');
  }
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  log('listening', { port: server.address().port, pid: process.pid, monitor: monitor !== null, leaking });
});

const shutdown = async () => {
  server.close();
  server.closeAllConnections();
  await monitor?.stop();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
