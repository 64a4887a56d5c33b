// Child of bench/gc-observer-cost.ts, run under the Node.js being measured with --trace-gc-nvp:
// blocks of a loop that allocates only short-lived objects (many scavenges, nothing that should
// survive two), with a `gc` PerformanceObserver (empty callback) connected or not. Each block is
// marked on stdout so the parent can attribute V8's per-collection lines to it.
//   node --trace-gc-nvp bench/gc-observer-cost-child.mjs <pairs> <block ms>

import { PerformanceObserver } from 'node:perf_hooks';

const pairs = Number(process.argv[2] ?? 10);
const blockMs = Number(process.argv[3] ?? 1000);

let sink;
/** One unit of work: 500 small objects, dropped by the next unit. */
function unit() {
  const items = [];
  for (let index = 0; index < 500; index++) items.push({ index, pair: [index, index + 1] });
  sink = items;
}

async function block(observed, durationMs) {
  const observer = observed ? new PerformanceObserver(() => {}) : null;
  observer?.observe({ entryTypes: ['gc'] });
  process.stdout.write(`BLOCK ${observed ? 'on' : 'off'}\n`);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let units = 0;
  await new Promise((resolve) => {
    // Yield between batches so that Node can deliver the entries, as a service's loop would.
    const step = () => {
      for (let batch = 0; batch < 4; batch++, units++) unit();
      if (performance.now() - started < durationMs) setImmediate(step);
      else resolve();
    };
    step();
  });
  const used = process.cpuUsage(cpu);
  process.stdout.write(`END ${observed ? 'on' : 'off'} ${units} ${used.user + used.system}\n`);
  await new Promise((resolve) => setImmediate(resolve));
  observer?.disconnect();
}

// Warm-up, not counted by the parent (marked "warm").
process.stdout.write('WARM\n');
await block(true, 300);
await block(false, 300);
process.stdout.write('MEASURE\n');
for (let pair = 0; pair < pairs; pair++) {
  for (const observed of Math.random() < 0.5 ? [true, false] : [false, true]) {
    await block(observed, blockMs);
  }
}
void sink;
