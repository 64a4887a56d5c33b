// Child of the monitor-overhead benchmark: runs a monitor at a 10 ms interval while making
// garbage until it has evaluated enough times to fill its bounded series and their history
// (or a time bound passes), then writes a heap snapshot whose path it prints, so the
// benchmark can measure the monitor's retained size.

import { writeHeapSnapshot } from 'node:v8';
import { startMonitor } from 'heapdrift/monitor';

const monitor = startMonitor({ intervalMs: 10, warmupMs: 0 });
const keep = [];
/** Window and history of 60 points each, and some more so the history's buckets have doubled. */
const EVALUATIONS = 400;
const until = Date.now() + Number(process.argv[3] ?? 60_000);
while (Date.now() < until && monitor.status().evaluations < EVALUATIONS) {
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
