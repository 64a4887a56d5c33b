// Which release line is "LTS", decided from the registry's own data so it needs no second
// source. Rule (Node's schedule: an even line is released in April and enters LTS in October,
// six months later, when the next odd line appears):
//   1. if the package has an `lts` dist-tag, the line of that version;
//   2. else the highest even major N that has a release and either a published N+1 line or
//      a first N.x release published at least 183 days ago (the packument's `time`).
// Publish times of node-<os>-<arch> can be later than Node's real release dates (back-filled
// packages), which only delays a line's promotion, never brings it early.

import { isRelease, parseVersion } from './versions.js';

const sixMonthsMs = 183 * 24 * 60 * 60 * 1000;

export interface ReleaseFacts {
  versions: string[];
  distTags: Record<string, string>;
  time: Record<string, string>;
}

export function ltsMajor(facts: ReleaseFacts, now: number = Date.now()): number | undefined {
  const tagged = facts.distTags['lts'];
  const taggedMajor = tagged ? parseVersion(tagged)?.major : undefined;
  if (taggedMajor !== undefined) return taggedMajor;

  const firstPublished = new Map<number, number>();
  for (const version of facts.versions) {
    if (!isRelease(version)) continue;
    const major = parseVersion(version)!.major;
    const published = Date.parse(facts.time[version] ?? '');
    const known = firstPublished.get(major);
    if (
      known === undefined ||
      (Number.isFinite(published) && (!Number.isFinite(known) || published < known))
    ) {
      firstPublished.set(major, published);
    }
  }
  const evenMajors = [...firstPublished.keys()].filter((major) => major % 2 === 0).sort((a, b) => b - a);
  return evenMajors.find((major) => {
    if (firstPublished.has(major + 1)) return true;
    const published = firstPublished.get(major)!;
    return Number.isFinite(published) && now - published >= sixMonthsMs;
  });
}
