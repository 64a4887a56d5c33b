// Child-process entry of the series analysis: `node analyse-child.js <series dir>`. The
// monitor starts it so that parsing snapshots never competes with the service's own thread
// or heap; it writes run.json and exits 0, or prints one line and exits 1.

import { analyseSnapshotSeries } from './series-analysis.js';

const seriesDir = process.argv[2];
if (!seriesDir) {
  process.stderr.write('usage: analyse-child.js <series directory>\n');
  process.exit(2);
}
try {
  await analyseSnapshotSeries(seriesDir);
} catch (error) {
  process.stderr.write(`heapdrift monitor analysis: ${(error as Error).message}\n`);
  process.exit(1);
}
