// The examples run with the real runners, importing heapdrift/testing as a user would (the
// package's self-reference): node:test on the system Node and on 24.21.0, vitest, jest with
// ES modules, and jest with CommonJS (require of the ES module: Node 24.9+ only). In each,
// the clean handler passes and the leaky one fails with a message naming the retained closure.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from './helpers/node-binaries.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const passing = 'handleRequest does not leak';
const failing = 'handleRequestLeaky does not leak (it does: a listener per call)';
const leakMessage = [
  /fn leaks \d+\.\d\d objects \(\d+ B\) per call: 800 calls grew the live heap by \d+ objects/,
  /^ +1\.0\d +\d+ B +\(closure\)$/m,
  /retainer path of a \(closure\): .*--_events--> Object @\d+ --shutdown--> Array @\d+ --\[\d+\]--> \(closure\) @\d+$/m,
  /verdict: growing \(per-call\): /,
];

function run(node: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(node, args, {
    cwd: root,
    encoding: 'utf8',
    // Without NODE_TEST_CONTEXT: a node:test child would report to this runner instead.
    env: { ...process.env, NODE_TEST_CONTEXT: undefined, NO_COLOR: '1', FORCE_COLOR: '0', CI: '' },
    timeout: 600_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function checkLeakMessage(message: string): void {
  for (const pattern of leakMessage) assert.match(message, pattern);
}

interface RunnerReport {
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

/** vitest's and jest's --json report: one file, the passing test passed, the leaky one failed naming the leak. */
function checkRunnerReport(stdout: string): void {
  const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as RunnerReport;
  assert.equal(report.testResults.length, 1);
  const results = report.testResults[0]!.assertionResults;
  assert.deepEqual(
    results.map((result) => [result.title, result.status]),
    [
      [passing, 'passed'],
      [failing, 'failed'],
    ],
    results[0]!.failureMessages.join('\n'),
  );
  checkLeakMessage(results[1]!.failureMessages.join('\n'));
}

describe('examples/node-test', () => {
  for (const version of ['system', '24.21.0']) {
    it(`passes the clean handler and fails the leaky one on Node ${version}`, () => {
      const { status, stdout } = run(nodeBinary(version), [
        '--test',
        '--test-reporter=tap',
        'examples/node-test/subscriptions.test.mjs',
      ]);
      assert.equal(status, 1, stdout);
      assert.match(stdout, new RegExp(`^ok 1 - ${passing}$`, 'm'));
      assert.match(stdout, /^# \d+\.\d\d objects per call, stable$/m);
      assert.ok(stdout.includes(`not ok 2 - ${failing}`), stdout);
      assert.match(stdout, /name: 'AssertionError'/);
      checkLeakMessage(stdout);
    });
  }
});

describe('examples/vitest', () => {
  it('passes the clean handler and fails the leaky one with vitest', () => {
    const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
    const { status, stdout, stderr } = run(process.execPath, [
      vitest,
      'run',
      '--root',
      'examples/vitest',
      '--reporter=json',
    ]);
    assert.equal(status, 1, stderr);
    checkRunnerReport(stdout);
  });
});

describe('examples/jest', () => {
  const jest = fileURLToPath(new URL('../../node_modules/jest/bin/jest.js', import.meta.url));

  it('passes the clean handler and fails the leaky one with jest and ES modules', () => {
    const { status, stdout, stderr } = run(process.execPath, [
      '--experimental-vm-modules',
      jest,
      '--rootDir',
      'examples/jest',
      '--testPathIgnorePatterns',
      '/commonjs/',
      '--json',
    ]);
    assert.equal(status, 1, stderr);
    checkRunnerReport(stdout);
  });

  it('serves CommonJS tests that require() it on Node 24.21.0 with --experimental-vm-modules', () => {
    const args = ['--rootDir', 'examples/jest/commonjs', '--json'];
    const { status, stdout, stderr } = run(nodeBinary('24.21.0'), [
      '--experimental-vm-modules',
      jest,
      ...args,
    ]);
    assert.equal(status, 1, stderr);
    checkRunnerReport(stdout);
  });

  it('is refused to CommonJS tests on Node 20 (jest serves require(esm) from Node 24.9)', () => {
    const { status, stdout, stderr } = run(process.execPath, [jest, '--rootDir', 'examples/jest/commonjs']);
    assert.equal(status, 1, stdout);
    assert.match(stderr, /Must use import to load ES Module: .*dist\/src\/testing\/index\.js/);
    assert.match(stderr, /Use Node v24\.9\+ where Jest supports require\(esm\) natively/);
  });
});
