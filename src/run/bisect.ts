// Bisection over released Node.js versions: given a version whose verdict is "bad" and one
// whose verdict is "good" (either may be the older), find the first release, going from bad
// towards good, whose verdict is good's. Each step is a full run; all of them are saved.

import { join } from 'node:path';
import { UserError } from '../errors.js';
import {
  compareVersions,
  listReleasedVersions,
  parseRuntimeSpec,
  resolveVersion,
  versionsBetween,
  versionsInRange,
} from '../runtimes/index.js';
import { runCommandLine } from './command-line.js';
import { writeJsonAtomically } from './files.js';
import { startRunSet } from './matrix.js';
import type { BisectRecord, RunRecord } from './result.js';
import { checkRunOptions, type RunOptions, runScenario } from './run-scenario.js';
import { resolveScenario } from './scenario-source.js';
import { typeScriptNodeArgs } from './typescript.js';

export interface BisectOptions extends Omit<RunOptions, 'node'> {
  /** A version with the good verdict (with `bad`), or leave both out and give `range`. */
  good?: string;
  bad?: string;
  /** A semver range (`>=22.10 <22.16`): bisect its releases, the oldest and newest as the ends. */
  range?: string;
  onStep?: (message: string) => void;
  /** Stop each run once its verdict is settled (default on; see stopping-rule.ts). */
  untilSettled?: boolean;
}

/** A verdict a bisection can steer by; anything else is run once more, then gives up. */
type Decided = 'leak' | 'no-leak';

interface BisectEnds {
  good: { spec: string; version: string };
  bad: { spec: string; version: string };
  candidates: string[];
}

export async function runBisect(options: BisectOptions): Promise<BisectRecord> {
  const scenario = resolveScenario(options.scenario);
  checkRunOptions(options);
  const ends = options.range === undefined ? await givenEnds(options) : await rangeEnds(options.range);
  // A TypeScript scenario must run on every candidate: say so now, not half-way through.
  for (const version of ends.candidates) typeScriptNodeArgs(scenario.file, version, options.nodeArgs ?? []);
  const record: BisectRecord = {
    ...startRunSet(
      'bisect',
      options.scenario,
      options.runsDir,
      options.command ??
        `heapdrift bisect ${options.scenario} --good ${ends.good.spec} --bad ${ends.bad.spec}`,
    ),
    ...ends,
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
      const runOptions = { ...options, node: version, untilSettled: options.untilSettled ?? true };
      const run: RunRecord = await runScenario({ ...runOptions, command: runCommandLine(runOptions) });
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

async function givenEnds(options: BisectOptions): Promise<BisectEnds> {
  if (options.good === undefined || options.bad === undefined)
    throw new UserError('bisect needs --good and --bad, or --node with a range such as ">=22.10 <22.16"');
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
  return {
    good: { spec: options.good, version: good },
    bad: { spec: options.bad, version: bad },
    candidates,
  };
}

/** The releases in a range; the oldest stands as "bad" and the newest as "good" (either way works). */
async function rangeEnds(range: string): Promise<BisectEnds> {
  const request = parseRuntimeSpec(range);
  if (request.kind !== 'range')
    throw new UserError(`--node "${range}": bisect takes a semver range here, e.g. ">=22.10 <22.16"`);
  const candidates = versionsInRange(request.range, await listReleasedVersions());
  if (candidates.length < 2)
    throw new UserError(
      `--node "${range}": ${candidates.length} released Node.js version in this range; bisect needs two or more`,
      'ERR_HEAPDRIFT_UNKNOWN_VERSION',
    );
  return {
    bad: { spec: range, version: candidates[0]! },
    good: { spec: range, version: candidates.at(-1)! },
    candidates,
  };
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
