// expectNoLeak on real functions in this process (node:test on the system Node) and, through
// a child, on Node 24.21.0: each of the four leaks fails naming the retained class, objects
// and bytes per call and a retainer path through the structure that holds it; each of the
// four clean functions passes. Bad options and errors of the function under test.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UserError } from '../src/errors.js';
import {
  expectNoLeak,
  LeakAssertionError,
  LeakTestTimeoutError,
  MINIMUM_ITERATIONS,
  PER_CALL_FLOOR,
} from '../src/testing/index.js';
import { cleanCases, type LeakCase, leakingCases } from './helpers/leak-cases.js';
import { type CaseOutcome, runCase } from './helpers/leak-cases-run.js';
import { nodeBinary } from './helpers/node-binaries.js';

function checkLeakOutcome(leakCase: LeakCase, outcome: CaseOutcome): void {
  assert.equal(outcome.verdict, 'growing', `${leakCase.name}: ${JSON.stringify(outcome)}`);
  assert.equal(outcome.decidedBy, 'per-call');
  assert.ok(outcome.objectsPerCall >= 1, `${leakCase.name}: ${outcome.objectsPerCall} objects per call`);
  assert.equal(outcome.topClass, leakCase.expectedClass, `${leakCase.name}: top class ${outcome.topClass}`);
  // One retained object per call of the named class: exact, not an estimate.
  assert.ok(Math.abs(outcome.topClassPerCall! - 1) < 0.05, `${leakCase.name}: ${outcome.topClassPerCall}`);
  assert.match(
    outcome.retainerPath!,
    new RegExp(`--${leakCase.expectedEdge}--> .*${escapeRegExp(leakCase.expectedClass!)} @\\d+$`),
  );
}

function checkCleanOutcome(leakCase: LeakCase, outcome: CaseOutcome): void {
  assert.notEqual(outcome.verdict, 'growing', `${leakCase.name}: ${JSON.stringify(outcome)}`);
  assert.ok(outcome.objectsPerCall < PER_CALL_FLOOR, `${leakCase.name}: ${outcome.objectsPerCall}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[()[\]]/g, '\\$&');
}

describe('expectNoLeak on the system Node', () => {
  for (const leakCase of leakingCases) {
    it(`fails on a ${leakCase.name}, naming what grew`, async () => {
      const { fn, cleanup } = leakCase.make();
      try {
        await assert.rejects(expectNoLeak(fn), (error: unknown) => {
          assert.ok(error instanceof LeakAssertionError);
          assert.equal(error.code, 'ERR_ASSERTION');
          const message = error.message;
          assert.match(
            message,
            /^fn leaks \d+\.\d\d objects \(\d+ B\) per call: 800 calls grew the live heap by \d+ objects/,
          );
          assert.match(
            message,
            new RegExp(`^ +1\\.0\\d +\\d+ B +${escapeRegExp(leakCase.expectedClass!)}$`, 'm'),
          );
          assert.match(
            message,
            new RegExp(
              `^retainer path of a ${escapeRegExp(leakCase.expectedClass!)}: .*--${leakCase.expectedEdge}-->`,
              'm',
            ),
          );
          assert.match(message, /^verdict: growing \(per-call\): /m);
          return true;
        });
      } finally {
        cleanup();
      }
    });
  }
  for (const leakCase of cleanCases) {
    it(`passes ${leakCase.name}`, async () => {
      checkCleanOutcome(leakCase, await runCase(leakCase, 'clean'));
    });
  }
});

describe('expectNoLeak on Node 24.21.0', () => {
  it('fails on the four leaks and passes the four clean functions', () => {
    const runner = fileURLToPath(new URL('./helpers/leak-cases-run.js', import.meta.url));
    const output = execFileSync(nodeBinary('24.21.0'), [runner, 'leaking,clean'], { encoding: 'utf8' });
    const outcomes = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as CaseOutcome);
    assert.equal(outcomes.length, leakingCases.length + cleanCases.length);
    for (const outcome of outcomes) {
      assert.equal(outcome.nodeVersion, 'v24.21.0');
      const leaking = leakingCases.find((leakCase) => leakCase.name === outcome.name);
      if (leaking) checkLeakOutcome(leaking, outcome);
      else checkCleanOutcome(cleanCases.find((leakCase) => leakCase.name === outcome.name)!, outcome);
    }
  });
});

describe('expectNoLeak input', () => {
  it('refuses options it cannot use, naming them', async () => {
    for (const [options, named] of [
      [{ iterations: 0 }, `iterations must be an integer of at least ${MINIMUM_ITERATIONS}, got 0`],
      [{ batches: 2.5 }, 'batches must be an integer of at least 6, got 2.5'],
      [{ timeout: '5s' }, 'timeout must be an integer of at least 1, got 5s'],
    ] as const) {
      await assert.rejects(
        expectNoLeak(() => 1, options as never),
        (error: unknown) => {
          assert.ok(error instanceof UserError);
          assert.equal(error.code, 'ERR_HEAPDRIFT_OPTION');
          assert.equal(error.message, `expectNoLeak: option ${named}`);
          return true;
        },
      );
    }
    await assert.rejects(expectNoLeak('not a function' as never), /expected a function, got string/);
  });

  it("passes the function's own error through, and stops at the timeout", async () => {
    await assert.rejects(
      expectNoLeak(() => {
        throw new RangeError('broken fixture');
      }),
      /^RangeError: broken fixture$/,
    );
    await assert.rejects(
      expectNoLeak(() => 1, { timeout: 1 }),
      (error: unknown) => {
        assert.ok(error instanceof LeakTestTimeoutError);
        assert.equal(error.code, 'ERR_HEAPDRIFT_TIMEOUT');
        assert.match(error.message, /^expectNoLeak: timed out after 1 ms with 0 of 8 batches of 100 calls/);
        return true;
      },
    );
  });
});
