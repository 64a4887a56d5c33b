// Parsing of flag values shared by the commands: counts, durations and path patterns, each error
// naming the flag, so a bad value fails before any work starts.

import { type PathPattern, PathPatternError, parsePathPattern } from '../analysis/index.js';
import { UserError } from '../errors.js';

export function parseCount(text: string | undefined, flag: string, minimum = 1): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < minimum) {
    throw new UserError(`${flag} "${text}": expected a whole number of at least ${minimum}`);
  }
  return Number(text);
}

/** `500ms`, `30s`, `5m`, `1h`; a bare number is seconds. */
export function parseDuration(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match || Number(match[1]) <= 0)
    throw new UserError(`${flag} "${text}": expected a duration such as 30s, 5m or 1h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms'];
  return Number(match[1]) * unit;
}

/** A required whole number of at least 1 (e.g. --top, --limit). */
export function positiveInteger(text: string, flag: string): number {
  return parseCount(text, flag, 1)!;
}

/** A path pattern (`--track`, `query <path>`), its grammar errors as one line naming the flag. */
export function parsePathFlag(text: string, flag: string, help: string): PathPattern {
  try {
    return parsePathPattern(text);
  } catch (error) {
    if (error instanceof PathPatternError) {
      throw new UserError(`${flag} "${text}": ${error.message} (see ${help})`, 'ERR_HEAPDRIFT_PATH_PATTERN');
    }
    throw error;
  }
}
