// Node.js version numbers: parsing, ordering and ranges, all by `semver` (npm's own rules:
// a pre-release such as 22.0.0-rc.1 sorts before its release). Registry versions are plain
// semver; a leading `v` (what `node --version` prints) is accepted everywhere.

import semver from 'semver';

export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers after `-` ('' for a release). */
  prerelease: string;
}

export function parseVersion(text: string): ParsedVersion | undefined {
  const parsed = semver.parse(text.trim());
  if (!parsed) return undefined;
  return {
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch,
    prerelease: parsed.prerelease.join('.'),
  };
}

/** `v22.15.0` → `22.15.0`; undefined when it is not a version. */
export function normalizeVersion(text: string): string | undefined {
  return semver.valid(text.trim()) ? text.trim().replace(/^v/, '') : undefined;
}

export function isRelease(version: string): boolean {
  const parsed = semver.parse(version);
  return parsed !== null && parsed.prerelease.length === 0;
}

/** Semver order; throws on a string that is not a version. */
export function compareVersions(a: string, b: string): number {
  if (!semver.valid(a) || !semver.valid(b)) throw new TypeError(`not a version: ${semver.valid(a) ? b : a}`);
  return semver.compare(a, b);
}

/** Semver order for versions read from records: anything that is not a version sorts by text, after. */
export function compareVersionTexts(a: string, b: string): number {
  const left = semver.valid(a);
  const right = semver.valid(b);
  if (left && right) return semver.compare(left, right);
  if (left || right) return left ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ascending semver order; strings that are not versions are dropped. */
export function sortVersions(versions: Iterable<string>): string[] {
  return semver.sort([...versions].filter((version) => semver.valid(version)));
}

/** The versions from `low` to `high`, both included, ascending (empty when low > high). */
export function versionsBetween(low: string, high: string, versions: Iterable<string>): string[] {
  return sortVersions(versions).filter((version) => semver.gte(version, low) && semver.lte(version, high));
}

/** A semver range as `--node` takes it (`>=22.10 <22.16`, `^22.12`), or undefined. */
export function parseRange(text: string): semver.Range | undefined {
  // Plain versions and lines have their own meaning in a spec; only operators make a range.
  if (!/[<>=^~|*]|\s-\s/.test(text)) return undefined;
  try {
    return new semver.Range(text.trim());
  } catch {
    return undefined;
  }
}

/** The releases in a range, ascending (pre-releases only when the range names one). */
export function versionsInRange(range: semver.Range | string, versions: Iterable<string>): string[] {
  return sortVersions(versions).filter((version) => semver.satisfies(version, range));
}

/** The highest release of a line, or undefined. */
export function highestInLine(versions: Iterable<string>, major: number, minor?: number): string | undefined {
  return (
    semver.maxSatisfying([...versions], minor === undefined ? `${major}.x` : `${major}.${minor}.x`) ??
    undefined
  );
}

/** The highest release of a range, or undefined. */
export function highestInRange(versions: Iterable<string>, range: semver.Range): string | undefined {
  return semver.maxSatisfying([...versions], range) ?? undefined;
}
