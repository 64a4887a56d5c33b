// The run's verdict from the verdicts of everything tracked: leak when anything grows,
// inconclusive when something could not be decided, no leak when everything tested is stable.

import type { ClassResult } from './class-tracking.js';
import { describeFinding, type Finding } from './findings.js';
import type { NamedTrackResult } from './named-tracks.js';
import type { MetricResult } from './series.js';
import type { StructureResult } from './structure-tracking.js';
import type { SeriesVerdict } from './verdict.js';

export type RunVerdict = 'leak' | 'no-leak' | 'inconclusive';

export function runVerdict(
  structures: StructureResult[],
  classes: ClassResult[],
  namedTracks: NamedTrackResult[],
  samples: number,
  findings: readonly Finding[] = [],
  /** Samples the series rules need (warm-up included): fewer cannot show that nothing grows. */
  samplesNeeded = 2,
): { verdict: RunVerdict; reason: string } {
  const named = (verdict: SeriesVerdict['verdict']) => [
    ...namedTracks.filter((track) => track.verdict === verdict).map((track) => track.name),
    ...structures.filter((structure) => structure.verdict === verdict).map((structure) => structure.label),
    ...classes.filter((result) => result.verdict === verdict).map((result) => `class ${result.className}`),
  ];
  const listed = (names: string[]) =>
    names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
  const growing = named('growing');
  const growingTracks = namedTracks.filter((track) => track.verdict === 'growing').map((track) => track.name);
  if (growingTracks.length === 0 && findings.length > 0) {
    const more = findings.length > 1 ? `; and ${findings.length - 1} more finding(s)` : '';
    return { verdict: 'leak', reason: `growing: ${describeFinding(findings[0]!)}${more}` };
  }
  if (growing.length > 0) return { verdict: 'leak', reason: `growing: ${listed(growing)}` };
  const undecided = named('inconclusive');
  if (undecided.length > 0) {
    return {
      verdict: 'inconclusive',
      reason: `nothing grows for sure, but undecided: ${listed(undecided)}${firstUndecided(structures, classes, namedTracks)}`,
    };
  }
  if (samples < samplesNeeded) {
    return {
      verdict: 'inconclusive',
      reason: `${samples} snapshot(s): too few to show that nothing grows (the rules need ${samplesNeeded}, warm-up included)`,
    };
  }
  return {
    verdict: 'no-leak',
    reason: `${structures.length} candidate structures, ${classes.length} classes and ${namedTracks.length} named tracks, all stable`,
  };
}

/** Why the first undecided series is undecided, and what to run: ` — Map > table (entries): …`. */
function firstUndecided(
  structures: StructureResult[],
  classes: ClassResult[],
  namedTracks: NamedTrackResult[],
): string {
  const results: { name: string; metrics: MetricResult[] }[] = [
    ...namedTracks,
    ...structures.map((structure) => ({ name: structure.path, metrics: structure.metrics })),
    ...classes.map((result) => ({ name: `class ${result.className}`, metrics: result.metrics })),
  ];
  for (const result of results) {
    const metric = result.metrics.find((item) => item.verdict.verdict === 'inconclusive');
    if (metric) return ` — ${result.name} (${metric.metric}): ${metric.verdict.reason}`;
  }
  return '';
}
