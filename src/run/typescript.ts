// TypeScript scenarios (.ts, .mts, .cts) run where the chosen Node.js strips types itself, and
// fail before the child starts elsewhere, saying how to run them. Measured here on real
// binaries (`node file.ts` / `node --experimental-strip-types file.ts`):
//   20.x, 22.0–22.5: no type stripping (the flag is unknown before 22.6.0);
//   22.6–22.17, 23.0–23.5: only with --experimental-strip-types (heapdrift adds it);
//   22.18+, 23.6+, 24, 26: on by default.

import semver from 'semver';
import { UserError } from '../errors.js';

const TYPESCRIPT_FILE = /\.[cm]?ts$/i;
const STRIP_TYPES_FLAG = '--experimental-strip-types';

/** Flags that load code before the scenario (a TypeScript loader such as tsx among them). */
const LOADER_FLAG = /^--(?:import|require|loader|experimental-loader)(?:=|$)|^-r$/;

export type TypeStripping = 'default' | 'flag' | 'none';

/** How a Node.js version handles TypeScript files. */
export function typeStrippingOf(version: string): TypeStripping {
  const parsed = semver.coerce(version);
  if (!parsed) return 'none';
  if (semver.satisfies(parsed, '>=23.6.0 || ^22.18.0')) return 'default';
  if (semver.satisfies(parsed, '>=22.6.0')) return 'flag';
  return 'none';
}

/**
 * The runtime flags a scenario file needs (none, or the strip-types flag), or a UserError when
 * the runtime cannot run TypeScript and the user gave no loader of their own.
 */
export function typeScriptNodeArgs(file: string, version: string, nodeArgs: readonly string[]): string[] {
  if (!TYPESCRIPT_FILE.test(file)) return [];
  if (nodeArgs.some((arg) => LOADER_FLAG.test(arg) || arg === STRIP_TYPES_FLAG)) return [];
  const stripping = typeStrippingOf(version);
  if (stripping === 'default') return [];
  if (stripping === 'flag') return [STRIP_TYPES_FLAG];
  throw new UserError(
    `${file}: Node ${version} cannot run TypeScript (Node strips types from 22.6 on); use --node 22 or later, add a loader (--node-arg=--import=tsx), or compile it to JavaScript first`,
    'ERR_HEAPDRIFT_TYPESCRIPT',
  );
}
