// A steady loopback load for the example service: N concurrent keep-alive clients request a
// path until a request count or a duration is reached (at most --rate requests per second in
// all, when given), then print one JSON summary line.
//
//   node examples/monitor-service/load.mjs http://127.0.0.1:3000/work --concurrency 4 --duration 30000

import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    concurrency: { type: 'string', default: '4' },
    duration: { type: 'string', default: '10000' },
    requests: { type: 'string', default: String(Number.MAX_SAFE_INTEGER) },
    rate: { type: 'string', default: '0' },
  },
});
const target = new URL(positionals[0] ?? 'http://127.0.0.1:3000/work');
if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost' && target.hostname !== '::1') {
  process.stderr.write(`load.mjs: ${target.hostname} is not loopback; this load generator only drives local services\n`);
  process.exit(2);
}
const concurrency = Number(values.concurrency);
const durationMs = Number(values.duration);
const maximumRequests = Number(values.requests);
const rate = Number(values.rate);
if (!Number.isFinite(rate) || rate < 0) {
  process.stderr.write('load.mjs: --rate must be a number of requests per second ≥ 0\n');
  process.exit(2);
}
for (const [name, value] of Object.entries({ concurrency, durationMs, maximumRequests })) {
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`load.mjs: --${name} must be a positive number\n`);
    process.exit(2);
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const started = performance.now();
let sent = 0;
let completed = 0;
let errors = 0;

function once() {
  return new Promise((resolve) => {
    const outgoing = request(target, { agent }, (response) => {
      response.resume();
      response.on('end', () => {
        if (response.statusCode === 200) completed++;
        else errors++;
        resolve();
      });
    });
    outgoing.on('error', () => {
      errors++;
      resolve();
    });
    outgoing.end();
  });
}

async function client() {
  while (sent < maximumRequests && performance.now() - started < durationMs) {
    // With a rate, request n is not sent before its time slot: the same work per second
    // whatever the service's speed (as long as it keeps up).
    const due = rate > 0 ? started + (sent / rate) * 1000 : 0;
    sent++;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await once();
  }
}

await Promise.all(Array.from({ length: concurrency }, client));
agent.destroy();
const elapsedMs = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({ requests: completed, errors, elapsedMs: Math.round(elapsedMs), perSecond: Math.round((completed / elapsedMs) * 1000) })}\n`,
);
