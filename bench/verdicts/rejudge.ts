// Judges again, with the current rules, runs whose snapshots were kept (`--keep-snapshots`):
// `node dist/bench/verdicts/rejudge.js <run dir>…`. Tuning the rules on a fixed set of real
// snapshots takes seconds instead of new runs, and shows every non-stable series.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFinding, SeriesTracker } from '../../src/growth/index.js';
import { measureSnapshot } from '../../src/run/measure-snapshot.js';
import type { RunRecord } from '../../src/run/result.js';

for (const directory of process.argv.slice(2)) {
  const record = JSON.parse(readFileSync(join(directory, 'run.json'), 'utf8')) as RunRecord;
  const rows = readFileSync(join(directory, 'samples.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as { type: string; index: number; iteration: number | null; elapsedMs: number },
    )
    .filter((row) => row.type === 'snapshot');
  const files = readdirSync(join(directory, 'snapshots')).sort();
  const tracker = new SeriesTracker({
    xUnit: record.xUnit,
    verdict: { warmupSamples: record.schedule.warmupSnapshots },
  });
  for (const row of rows) {
    const file = join(directory, 'snapshots', files[row.index]!);
    const x = record.xUnit === 'iteration' ? (row.iteration ?? 0) : row.elapsedMs;
    await measureSnapshot(file, row.index, x, row.elapsedMs, tracker, []);
  }
  const report = tracker.analyze();
  console.log(`\n## ${record.scenario.name}: ${report.verdict} (was ${record.verdict}) — ${report.reason}`);
  for (const finding of report.findings) {
    console.log(
      `* ${describeFinding(finding)}\n    ${finding.path}\n    structures: ${finding.structures.join('; ')}; classes: ${finding.classes.join(', ')}`,
    );
  }
  for (const result of [...report.structures, ...report.classes]) {
    for (const metric of result.metrics) {
      if (metric.verdict.verdict === 'stable' && !process.env.ALL) continue;
      const name = 'path' in result ? result.path : `class ${result.className}`;
      console.log(
        `- ${metric.verdict.verdict} ${metric.metric} [${metric.verdict.decidedBy}] ${name.slice(-160)}\n    ${metric.verdict.reason}\n    ${JSON.stringify(metric.series)}`,
      );
    }
  }
}
