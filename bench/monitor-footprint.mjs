// Child of the monitor-overhead benchmark: runs a monitor at a 10 ms interval for long enough
// to fill its bounded series (and its history) while making garbage, then writes a heap
// snapshot whose path it prints, so the benchmark can measure the monitor's retained size.

import { writeHeapSnapshot } from 'node:v8';
import { startMonitor } from 'heapdrift/monitor';

const monitor = startMonitor({ intervalMs: 10, warmupMs: 0 });
const keep = [];
const until = Date.now() + Number(process.argv[3] ?? 5000);
while (Date.now() < until) {
  keep.push(Array.from({ length: 5000 }, (_, index) => ({ index })));
  if (keep.length > 20) keep.shift();
  await new Promise((resolve) => setTimeout(resolve, 2));
}
const status = monitor.status();
const file = writeHeapSnapshot(process.argv[2]);
process.stdout.write(
  `${JSON.stringify({ file, evaluations: status.evaluations, seriesBytes: status.seriesBytes })}\n`,
);
await monitor.stop();
