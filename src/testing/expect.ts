// The assertions users write: `await expectNoLeak(fn)` (node:test, or any runner) throws an
// AssertionError naming what grew; `expect(fn).not.toLeak()` is the same check as a matcher
// for vitest and jest (`expect.extend(leakMatchers)`).

import { AssertionError } from 'node:assert';
import { type LeakEvidence, type LeakTestFunction, measureLeak } from './measure.js';
import { describeLeak, formatEvidence } from './message.js';
import type { LeakTestOptions } from './options.js';

/** AssertionError with the measurement attached, for a test that wants to look further. */
export class LeakAssertionError extends AssertionError {
  readonly evidence: LeakEvidence;
  constructor(evidence: LeakEvidence) {
    super({ message: describeLeak(evidence) });
    this.evidence = evidence;
  }
}

/**
 * Calls `fn` in batches and throws a `LeakAssertionError` when the objects it leaves alive
 * grow with the calls; otherwise resolves with the evidence (verdict `stable`, or
 * `inconclusive` when even twice the batches could not tell).
 */
export async function expectNoLeak(fn: LeakTestFunction, options?: LeakTestOptions): Promise<LeakEvidence> {
  const evidence = await measureLeak(fn, options);
  if (evidence.verdict === 'growing') throw new LeakAssertionError(evidence);
  return evidence;
}

/** The part of vitest's and jest's matcher context this matcher reads. */
interface MatcherContext {
  isNot?: boolean;
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/**
 * `expect.extend(leakMatchers)`, then `await expect(fn).not.toLeak(options?)`. The matcher
 * passes when `fn` leaks, so `.not` fails with the description of the leak.
 */
export const leakMatchers = {
  async toLeak(this: MatcherContext, received: unknown, options?: LeakTestOptions): Promise<MatcherResult> {
    if (typeof received !== 'function') {
      throw new TypeError(`toLeak: expect() needs the function under test, got ${typeof received}`);
    }
    const evidence = await measureLeak(received as LeakTestFunction, options);
    const pass = evidence.verdict === 'growing';
    return {
      pass,
      message: () =>
        pass ? describeLeak(evidence) : `expected fn to leak, but: ${formatEvidence(evidence)}`,
    };
  },
};
