// Options of a leak test and their defaults. The defaults judge a cheap function in well under
// two seconds (see README, "Leak tests in your test suite"); more iterations or batches trade
// time for sensitivity to leaks slower than one object every two calls.

import { UserError } from '../errors.js';

export interface LeakTestOptions {
  /** Calls of `fn` per measured batch (default 100, at least 32). */
  iterations?: number;
  /** Measured batches (default 8); up to as many more are run when the verdict is not yet clear. */
  batches?: number;
  /** Calls before measuring starts, for lazy initialisation, caches and JIT tiers (default: `iterations`). */
  warmup?: number;
  /** Milliseconds the whole measurement may take, warm-up included (default 120,000). */
  timeout?: number;
}

export interface ResolvedOptions {
  iterations: number;
  batches: number;
  warmup: number;
  timeout: number;
}

export const DEFAULT_ITERATIONS = 100;
export const DEFAULT_BATCHES = 8;
export const DEFAULT_TIMEOUT_MS = 120_000;
/**
 * Fewest calls per batch. Each count comes after an event-loop turn in which the test runner
 * and Node may keep a few objects of their own (measured: up to 13 a batch after warm-up, on Node 20 and 24);
 * with at least 32 calls that stays under half an object per call, the per-call floor.
 */
export const MINIMUM_ITERATIONS = 32;
/**
 * Fewest measured batches: the growth verdict drops the starting point as warm-up and needs
 * six samples after it (src/growth MINIMUM_SAMPLES).
 */
export const MINIMUM_BATCHES = 6;

export function resolveOptions(options: LeakTestOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new UserError(
      `expectNoLeak: options must be an object, got ${typeof options}`,
      'ERR_HEAPDRIFT_OPTION',
    );
  }
  const iterations = integerOption('iterations', options.iterations, DEFAULT_ITERATIONS, MINIMUM_ITERATIONS);
  return {
    iterations,
    batches: integerOption('batches', options.batches, DEFAULT_BATCHES, MINIMUM_BATCHES),
    warmup: integerOption('warmup', options.warmup, iterations, 0),
    timeout: integerOption('timeout', options.timeout, DEFAULT_TIMEOUT_MS, 1),
  };
}

function integerOption(name: string, value: unknown, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw new UserError(
      `expectNoLeak: option ${name} must be an integer of at least ${minimum}, got ${String(value)}`,
      'ERR_HEAPDRIFT_OPTION',
    );
  }
  return value;
}
