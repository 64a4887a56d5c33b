// Bisection over released Node.js versions: given a version whose verdict is "bad" and one
// whose verdict is "good" (either may be the older), find the first release, going from bad
// towards good, whose verdict is good's. Each step is a full run; all of them are saved.

import { join } from 'node:path';
import { UserError } from '../errors.js';
import { compareVersions, listReleasedVersions, resolveVersion, versionsBetween } from '../runtimes/index.js';
import { writeJsonAtomically } from './files.js';
import { startRunSet } from './matrix.js';
import type { BisectRecord, RunRecord } from './result.js';
import { type RunOptions, runScenario } from './run-scenario.js';

export interface BisectOptions extends Omit<RunOptions, 'node'> {
  good: string;
  bad: string;
  onStep?: (message: string) => void;
}

/** A verdict a bisection can steer by; anything else is run once more, then gives up. */
type Decided = 'leak' | 'no-leak';

export async function runBisect(options: BisectOptions): Promise<BisectRecord> {
  const good = (await resolveVersion(options.good, { cacheDir: options.cacheDir })).version;
  const bad = (await resolveVersion(options.bad, { cacheDir: options.cacheDir })).version;
  if (good === bad) throw new UserError(`--good and --bad are both Node ${good}: nothing to bisect`);
  const [low, high] = compareVersions(good, bad) < 0 ? [good, bad] : [bad, good];
  const candidates = versionsBetween(low, high, await listReleasedVersions());
  for (const version of [good, bad]) {
    if (!candidates.includes(version))
      throw new UserError(
        `Node ${version} is not a released version on the registry`,
        'ERR_HEAPDRIFT_UNKNOWN_VERSION',
      );
  }
  const record: BisectRecord = {
    ...startRunSet(
      'bisect',
      options.scenario,
      options.runsDir,
      options.command ?? `heapdrift bisect ${options.scenario} --good ${options.good} --bad ${options.bad}`,
    ),
    good: { spec: options.good, version: good },
    bad: { spec: options.bad, version: bad },
    candidates,
    firstChanged: null,
    lastBefore: null,
    status: 'running',
    reason: 'running',
    runs: [],
  };
  const file = join(record.directory, 'bisect.json');
  const save = () => writeJsonAtomically(file, record);
  save();
  const verdictOf = async (version: string): Promise<Decided | undefined> => {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (options.signal?.aborted) return undefined;
      options.onStep?.(`running Node ${version}${attempt ? ' again (no verdict the first time)' : ''}`);
      const run: RunRecord = await runScenario({
        ...options,
        node: version,
        command: `heapdrift run ${options.scenario} --node ${version}`,
      });
      record.runs.push(run);
      save();
      if (run.verdict === 'leak' || run.verdict === 'no-leak') return run.verdict;
    }
    return undefined;
  };
  await search(record, verdictOf, options);
  record.endedAt = new Date().toISOString();
  save();
  return record;
}

async function search(
  record: BisectRecord,
  verdictOf: (version: string) => Promise<Decided | undefined>,
  options: BisectOptions,
): Promise<void> {
  const badVerdict = await verdictOf(record.bad.version);
  const goodVerdict = badVerdict === undefined ? undefined : await verdictOf(record.good.version);
  if (badVerdict === undefined || goodVerdict === undefined) {
    return finish(
      record,
      'incomplete',
      `Node ${badVerdict === undefined ? record.bad.version : record.good.version} reached no verdict`,
    );
  }
  if (badVerdict === goodVerdict) {
    return finish(
      record,
      'complete',
      `both ends give "${badVerdict}": the verdict does not change between them`,
    );
  }
  // Walk from bad towards good: `from` keeps bad's verdict, `to` has good's.
  const ordered =
    compareVersions(record.bad.version, record.good.version) < 0
      ? record.candidates
      : [...record.candidates].reverse();
  let from = 0;
  let to = ordered.length - 1;
  while (to - from > 1) {
    if (options.signal?.aborted) return finish(record, 'incomplete', 'interrupted');
    const middle = (from + to) >>> 1;
    const verdict = await verdictOf(ordered[middle]!);
    if (verdict === undefined)
      return finish(record, 'incomplete', `Node ${ordered[middle]} reached no verdict twice`);
    if (verdict === badVerdict) from = middle;
    else to = middle;
  }
  record.firstChanged = ordered[to]!;
  record.lastBefore = ordered[from]!;
  const direction =
    compareVersions(record.firstChanged, record.lastBefore) > 0
      ? 'first release'
      : 'last release (going back)';
  finish(
    record,
    'complete',
    `${direction} with "${goodVerdict}": Node ${record.firstChanged}; Node ${record.lastBefore} gives "${badVerdict}"`,
  );
}

function finish(record: BisectRecord, status: BisectRecord['status'], reason: string): void {
  record.status = status;
  record.reason = reason;
}
