// Parsing of flag values shared by the commands: counts and durations, each error naming the flag.

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
