// Node.js version numbers: parsing, ordering and ranges. Registry versions are plain semver
// (`22.15.0`, sometimes a pre-release like `4.0.0-rc.1`); this is the small subset we need.

export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers after `-` ('' for a release). */
  prerelease: string;
}

const versionPattern = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseVersion(text: string): ParsedVersion | undefined {
  const match = versionPattern.exec(text.trim());
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease: match[4] ?? '',
  };
}

/** `v22.15.0` → `22.15.0`; undefined when it is not a version. */
export function normalizeVersion(text: string): string | undefined {
  return parseVersion(text) ? text.trim().replace(/^v/, '') : undefined;
}

export function isRelease(version: string): boolean {
  return parseVersion(version)?.prerelease === '';
}

/** Semver order: numbers first, then a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (!left || !right) throw new TypeError(`not a version: ${left ? b : a}`);
  return (
    left.major - right.major ||
    left.minor - right.minor ||
    left.patch - right.patch ||
    comparePrerelease(left.prerelease, right.prerelease)
  );
}

function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const left = a.split('.');
  const right = b.split('.');
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const order = compareIdentifier(left[index]!, right[index]!);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

function compareIdentifier(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return Number(a) - Number(b);
  if (numeric.test(a)) return -1;
  if (numeric.test(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ascending semver order; strings that are not versions are dropped. */
export function sortVersions(versions: Iterable<string>): string[] {
  return [...versions].filter((version) => parseVersion(version)).sort(compareVersions);
}

/** The versions from `low` to `high`, both included, ascending (empty when low > high). */
export function versionsBetween(low: string, high: string, versions: Iterable<string>): string[] {
  return sortVersions(versions).filter(
    (version) => compareVersions(low, version) <= 0 && compareVersions(version, high) <= 0,
  );
}

/** Whether `version` is a release of the line `major` or `major.minor`. */
export function isInLine(version: string, major: number, minor?: number): boolean {
  if (!isRelease(version)) return false;
  const parsed = parseVersion(version)!;
  return parsed.major === major && (minor === undefined || parsed.minor === minor);
}

/** The highest release of a line, or undefined. */
export function highestInLine(versions: Iterable<string>, major: number, minor?: number): string | undefined {
  return sortVersions(versions)
    .filter((version) => isInLine(version, major, minor))
    .at(-1);
}
