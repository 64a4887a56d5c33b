// The stopping rule ("until settled"): a matrix stops each run once its verdict is settled and
// keeps the verdict the full rules give; `run` takes every snapshot unless asked. Real CLI,
// real runtimes (22.14.0 leaks retained_maps, 22.15.0 does not).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { MatrixRecord, RunRecord } from '../src/run/index.js';
import { DEFAULT_SETTLE_RULE, SettleWatch } from '../src/run/stopping-rule.js';
import { nodeBinary } from './helpers/node-binaries.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const runsDir = mkdtempSync(join(tmpdir(), 'heapdrift-settle-'));

function heapdrift(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args, '--runs-dir', runsDir], {
    encoding: 'utf8',
    timeout: 300_000,
  });
}

describe('the rule on a verdict sequence', () => {
  const { minimumSnapshots: minimum, agreeingSnapshots: agreeing } = DEFAULT_SETTLE_RULE;
  const settledAfter = (verdicts: RunRecord['verdict'][], max = 16) => {
    const watch = new SettleWatch(DEFAULT_SETTLE_RULE, max);
    for (const verdict of verdicts) if (watch.observe(verdict)) return watch.state.settledAfter;
    return null;
  };

  test('stops at the minimum once the verdict agreed long enough, never on inconclusive', () => {
    assert.equal(settledAfter(Array(16).fill('leak')), minimum);
    assert.equal(settledAfter(Array(16).fill('inconclusive')), null);
    const late = [...Array(minimum).fill('inconclusive'), ...Array(agreeing).fill('no-leak')];
    assert.equal(settledAfter(late), minimum + agreeing);
  });

  test('a change of verdict starts the count again; the maximum is never "settled"', () => {
    const flip = [...Array(minimum - 1).fill('leak'), 'no-leak', ...Array(agreeing).fill('leak')];
    assert.equal(settledAfter(flip), minimum + agreeing);
    assert.equal(settledAfter(Array(minimum).fill('no-leak'), minimum), null);
  });
});

describe('retained-maps stops once settled, with the full verdict', () => {
  test('matrix (on by default): 22.14.0 settles early as a leak, the report says so', () => {
    const result = heapdrift(['matrix', 'retained-maps', '--node', nodeBinary('22.14.0'), '--json']);
    assert.equal(result.status, 1, result.stderr);
    const run = (JSON.parse(result.stdout) as MatrixRecord).runs[0]!;
    assert.equal(run.verdict, 'leak', run.verdictReason);
    assert.equal(run.status, 'complete');
    assertSettled(run);
    assert.match(run.command, / --until-settled$/);
    const report = spawnSync(process.execPath, [cli, 'report', run.directory, '--format', 'md'], {
      encoding: 'utf8',
    });
    assert.ok(report.stdout.includes(`${run.snapshots.length} of 16 (settled)`), report.stdout);
  });

  test('run --until-settled: 22.15.0 settles early with no leak; without the flag every snapshot is taken', () => {
    const node = nodeBinary('22.15.0');
    const settled = heapdrift(['run', 'retained-maps', '--node', node, '--until-settled', '--json']);
    assert.equal(settled.status, 0, settled.stderr);
    const run = JSON.parse(settled.stdout) as RunRecord;
    assert.equal(run.verdict, 'no-leak', run.verdictReason);
    assertSettled(run);

    const full = heapdrift(['run', 'retained-maps', '--node', node, '--snapshots', '10', '--json']);
    const record = JSON.parse(full.stdout) as RunRecord;
    assert.equal(record.snapshots.length, 10);
    assert.equal(record.settle, undefined);
    assert.equal(record.status, 'complete');
  });
});

function assertSettled(run: RunRecord): void {
  const settle = run.settle!;
  assert.ok(settle, 'the record keeps the rule');
  assert.equal(settle.maxSnapshots, 16);
  assert.equal(settle.settledAfter, run.snapshots.length, 'judged exactly the snapshots up to the stop');
  assert.ok(run.snapshots.length < 16, `took ${run.snapshots.length} of 16`);
  assert.equal(settle.verdicts.length, run.snapshots.length);
  assert.deepEqual(
    new Set(settle.verdicts.slice(-DEFAULT_SETTLE_RULE.agreeingSnapshots)),
    new Set([run.verdict]),
  );
}
