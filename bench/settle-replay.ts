// Where may a run of a tracked built-in scenario (retained-maps, timer-primitive) stop? Replays recorded full runs (every snapshot taken) snapshot
// by snapshot through the same track verdict the run record uses, and for each candidate
// stopping rule (minimum snapshots m, k agreeing verdicts in a row) counts the runs it would
// have stopped with a verdict other than the full run's. Writes bench/results/settle-replay.md.
//
//   node dist/bench/settle-replay.js <matrix.json|bisect.json|run.json>...

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { judgeSeries, METRIC_KINDS, type MetricName } from '../src/growth/index.js';
import type { RunRecord } from '../src/run/index.js';
import { SettleWatch } from '../src/run/stopping-rule.js';
import { builtinScenarios } from '../src/scenarios/index.js';
import { formatResults } from './format-results.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));

/** The run's verdict after its first n snapshots, as RecordKeeper judges its one named track. */
function verdictAfter(run: RunRecord, n: number): RunRecord['verdict'] {
  const track = run.tracks[0]!;
  const limits = builtinScenarios.find((item) => item.name === run.scenario.name)?.trackVerdict;
  const rows = run.snapshots.slice(0, n);
  const measured: Record<MetricName, number[]> = {
    selfSize: track.measurements.selfSize.slice(0, n),
    edgeCount: track.measurements.entryCount.slice(0, n),
    retainedSize: track.measurements.retainedSize.slice(0, n),
    count: track.measurements.matches.slice(0, n),
  };
  const verdicts = (Object.keys(measured) as MetricName[]).map(
    (metric) =>
      judgeSeries(
        {
          x: rows.map((row) => row.iteration ?? 0),
          y: measured[metric],
          xUnit: 'iteration',
          elapsedMs: rows.map((row) => row.elapsedMs),
        },
        { ...limits, kind: METRIC_KINDS[metric], warmupSamples: run.schedule.warmupSnapshots },
      ).verdict,
  );
  const leading = verdicts.find((verdict) => verdict === 'growing') ?? verdicts[0];
  return leading === 'growing' ? 'leak' : leading === 'stable' ? 'no-leak' : 'inconclusive';
}

const runs = process.argv
  .slice(2)
  .flatMap((file) => {
    const record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord | { runs: RunRecord[] };
    return 'runs' in record ? record.runs : [record];
  })
  .filter(
    (run) =>
      run.scenario.builtin &&
      run.status === 'complete' &&
      run.tracks.length === 1 &&
      run.snapshots.length === run.schedule.snapshots,
  );

const trails = runs.map((run) => {
  const verdicts = run.snapshots.map((_, index) => verdictAfter(run, index + 1));
  return { run, verdicts, replayedRight: verdicts.at(-1) === run.verdict };
});

const lines = [
  '# Stopping rule: replay of recorded runs of tracked built-in scenarios',
  '',
  `- Date: ${new Date().toISOString()}`,
  `- Command: \`node dist/bench/settle-replay.js ${process.argv.slice(2).join(' ')}\``,
  `- ${trails.length} complete runs of ${Math.min(...trails.map((trail) => trail.verdicts.length))}–${Math.max(...trails.map((trail) => trail.verdicts.length))} snapshots; the replayed verdict after the last snapshot equals the recorded one in ${trails.filter((trail) => trail.replayedRight).length}.`,
  '',
  '## Verdict after each snapshot (L leak, N no-leak, ? inconclusive)',
  '',
  '| Scenario | Node | Recorded | After snapshot 1… |',
  '| --- | --- | --- | --- |',
  ...trails.map(
    (trail) =>
      `| ${trail.run.scenario.name} | ${trail.run.runtime.version} | ${trail.run.verdict} | \`${trail.verdicts.map((verdict) => (verdict === 'leak' ? 'L' : verdict === 'no-leak' ? 'N' : '?')).join('')}\` |`,
  ),
  '',
  '## Candidate rules: wrong stops and mean snapshots taken',
  '',
  '| Minimum m | Agreeing k | Runs stopped with a verdict other than the full run | Mean snapshots | Most snapshots |',
  '| ---: | ---: | ---: | ---: | ---: |',
];
for (const minimumSnapshots of [6, 7, 8, 9, 10]) {
  for (const agreeingSnapshots of [1, 2, 3, 4]) {
    let wrong = 0;
    const taken: number[] = [];
    for (const trail of trails) {
      const watch = new SettleWatch({ minimumSnapshots, agreeingSnapshots }, trail.run.schedule.snapshots);
      let stopAt = trail.verdicts.length;
      for (const [index, verdict] of trail.verdicts.entries()) {
        if (watch.observe(verdict)) {
          stopAt = index + 1;
          break;
        }
      }
      taken.push(stopAt);
      if (trail.verdicts[stopAt - 1] !== trail.run.verdict) wrong++;
    }
    const mean = taken.reduce((sum, value) => sum + value, 0) / Math.max(1, taken.length);
    lines.push(
      `| ${minimumSnapshots} | ${agreeingSnapshots} | ${wrong} | ${mean.toFixed(1)} | ${Math.max(...taken)} |`,
    );
  }
}
const out = join(repository, 'bench', 'results', 'settle-replay.md');
writeFileSync(out, `${lines.join('\n')}\n`);
formatResults([out]);
console.log(lines.join('\n'));
