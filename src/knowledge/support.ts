// Checks that an entry's ranges are what its committed records measured: every decided run on
// a line agrees with the line's range, and each boundary of a range was found by a bisection
// (the release before it has the other verdict). A range no record supports is an error.

import semver from 'semver';
import type { RunRecord } from '../run/result.js';
import type { LoadedEntry, MeasurementRecord } from './load.js';
import type { LineEntry } from './schema.js';

export function supportProblems(loaded: LoadedEntry): string[] {
  const problems: string[] = [];
  for (const line of loaded.entry.lines) {
    const where = `${loaded.entry.id}, line ${line.line}`;
    const records = line.evidence.map((name) => loaded.records.get(name)!);
    const runs = records.flatMap((record) => record.runs).filter((run) => majorOf(run) === line.line);
    const decided = runs.filter((run) => run.verdict === 'leak' || run.verdict === 'no-leak');
    if (decided.length === 0) problems.push(`${where}: no run on this line reached a verdict`);
    for (const run of decided) {
      const inRange = line.affected !== null && semver.satisfies(run.runtime.version, line.affected);
      if ((run.verdict === 'leak') !== inRange)
        problems.push(
          `${where}: Node ${run.runtime.version} measured "${run.verdict}" but the range ${line.affected ?? '(none)'} says ${inRange ? 'affected' : 'not affected'}`,
        );
    }
    problems.push(...boundaryProblems(line, records, decided, where));
  }
  return problems;
}

function boundaryProblems(
  line: LineEntry,
  records: MeasurementRecord[],
  decided: RunRecord[],
  where: string,
): string[] {
  if (line.affected === null) return [];
  const problems: string[] = [];
  const leaking = decided.filter((run) => run.verdict === 'leak').map((run) => run.runtime.version);
  if (leaking.length === 0) problems.push(`${where}: affected, but no run here leaked`);
  const { starts, ends } = rangeBounds(line.affected);
  if (line.firstFixed !== null) {
    if (semver.satisfies(line.firstFixed, line.affected))
      problems.push(`${where}: firstFixed ${line.firstFixed} is inside the affected range`);
    if (!ends.includes(line.firstFixed))
      problems.push(`${where}: firstFixed ${line.firstFixed} is not where the affected range ends`);
  }
  // Every edge of the range inside the line was found by a bisection: the releases on both
  // sides of it were measured with opposite verdicts.
  for (const end of ends)
    if (!bisected(records, 'fix', end))
      problems.push(`${where}: no complete bisection found ${end} as the first release without the leak`);
  for (const start of starts) {
    if (start === `${line.line}.0.0`) continue;
    if (start === line.apiSince && leaking.includes(start)) continue;
    if (!bisected(records, 'start', start))
      problems.push(`${where}: no complete bisection found ${start} as the first affected release`);
  }
  return problems;
}

/** The versions where a range's comparator sets start (>=) and end (<). */
function rangeBounds(range: string): { starts: string[]; ends: string[] } {
  const starts: string[] = [];
  const ends: string[] = [];
  for (const set of new semver.Range(range).set) {
    for (const comparator of set) {
      if (comparator.operator === '>=') starts.push(comparator.semver.version);
      if (comparator.operator === '<') ends.push(comparator.semver.version);
    }
  }
  return { starts, ends };
}

/**
 * Whether a complete bisection ended on `version`: as the first release without the leak
 * (a fix), or as the first one with it (a start, found walking back from a leaking release).
 */
function bisected(records: MeasurementRecord[], boundary: 'fix' | 'start', version: string): boolean {
  return records.some((record) => {
    if (record.kind !== 'bisect' || record.status !== 'complete') return false;
    const { firstChanged, lastBefore } = record;
    if (firstChanged === null || lastBefore === null) return false;
    const forward = semver.gt(firstChanged, lastBefore);
    return boundary === 'fix' ? forward && firstChanged === version : !forward && lastBefore === version;
  });
}

function majorOf(run: RunRecord): number {
  return semver.major(run.runtime.version);
}
