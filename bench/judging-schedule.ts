// What re-judging costs per new snapshot in a long run, after every snapshot (as before) and on
// the schedule of src/run/judging-schedule.ts, on the synthetic series of bench/judging.ts (as
// many as a run tracks). Writes bench/results/judging-schedule.{md,json}.
//
//   node dist/bench/judging-schedule.js

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { judgeSeries } from '../src/growth/index.js';
import { judgesAfterSnapshot } from '../src/run/judging-schedule.js';
import { formatResults } from './format-results.js';
import { SERIES_LENGTH, syntheticSeries, TRACKED_SERIES } from './judging.js';
import { currentLoadAverage } from './machine.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const all = syntheticSeries(TRACKED_SERIES, SERIES_LENGTH);

/** CPU ms to judge every series at length n (one re-judgement of a run's record). */
function judgeAll(samples: number): number {
  const before = process.cpuUsage();
  for (const series of all) {
    judgeSeries({
      ...series,
      x: series.x.slice(0, samples),
      y: series.y.slice(0, samples),
      elapsedMs: series.elapsedMs.slice(0, samples),
    });
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

const loadAtStart = currentLoadAverage();
judgeAll(100); // JIT warm-up
const rows = [100, 1000, 2000].map((snapshots) => {
  // Every snapshot: one re-judgement at n per new snapshot.
  const everySnapshot = judgeAll(snapshots);
  // Scheduled: the re-judgements of the last doubling (n/2, n], spread over its n/2 snapshots.
  let scheduledMs = 0;
  let judgements = 0;
  for (let count = Math.floor(snapshots / 2) + 1; count <= snapshots; count++) {
    if (!judgesAfterSnapshot(count)) continue;
    scheduledMs += judgeAll(count);
    judgements++;
  }
  return {
    snapshots,
    series: all.length,
    everySnapshotMsPerSnapshot: Math.round(everySnapshot),
    scheduledJudgementsInLastDoubling: judgements,
    scheduledMsPerSnapshot: Math.round(scheduledMs / (snapshots - Math.floor(snapshots / 2))),
  };
});
const loadAtEnd = currentLoadAverage();

const lines = [
  '# Re-judging a long run: per new snapshot',
  '',
  `- Date: ${new Date().toISOString()}; command: \`node dist/bench/judging-schedule.js\`; load average ${loadAtStart} → ${loadAtEnd} (CPU ms, less sensitive to load than wall time)`,
  `- ${all.length} synthetic series (bench/judging.ts), judged with judgeSeries at each length.`,
  '- Every snapshot: one re-judgement of all series at n, the cost of snapshot n before this change.',
  '- Scheduled: the re-judgements src/run/judging-schedule.ts makes between snapshot n/2 and n, averaged over those n/2 snapshots.',
  '',
  '| Snapshots n | Every snapshot (CPU ms per snapshot) | Scheduled judgements in (n/2, n] | Scheduled (CPU ms per snapshot) |',
  '| ---: | ---: | ---: | ---: |',
  ...rows.map(
    (row) =>
      `| ${row.snapshots} | ${row.everySnapshotMsPerSnapshot} | ${row.scheduledJudgementsInLastDoubling} | ${row.scheduledMsPerSnapshot} |`,
  ),
  '',
];
const out = join(repository, 'bench', 'results', 'judging-schedule');
writeFileSync(`${out}.md`, `${lines.join('\n')}\n`);
writeFileSync(`${out}.json`, `${JSON.stringify({ loadAtStart, loadAtEnd, rows }, null, 2)}\n`);
formatResults([`${out}.md`, `${out}.json`]);
console.log(lines.join('\n'));
