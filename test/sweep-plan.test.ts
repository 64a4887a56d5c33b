// How a sweep or matrix is planned and split: shards are disjoint, cover the plan and keep its
// order; `--jobs` keeps results in plan order; bad --shard/--versions/--since values are one line.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserError } from '../src/errors.js';
import {
  mapWithJobs,
  parseShard,
  planSweepVersions,
  shardItems,
  sweepScenarioNames,
} from '../src/run/index.js';

describe('shards', () => {
  const plan = Array.from({ length: 11 }, (_, k) => `cell-${k}`);

  test('n shards are disjoint, cover the plan, and each keeps plan order', () => {
    for (const count of [1, 2, 3, 4, 11, 12]) {
      const shards = Array.from({ length: count }, (_, k) => shardItems(plan, { index: k + 1, count }));
      assert.deepEqual(shards.flat().sort(), [...plan].sort(), `${count} shards`);
      for (const shard of shards)
        assert.deepEqual(
          shard,
          [...shard].sort((a, b) => plan.indexOf(a) - plan.indexOf(b)),
        );
      assert.ok(Math.max(...shards.map((s) => s.length)) - Math.min(...shards.map((s) => s.length)) <= 1);
    }
  });

  test('--shard takes i/n with 1 <= i <= n, and says so otherwise', () => {
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    for (const bad of ['0/2', '3/2', '1/0', '1', 'a/b', '1/2/3', '-1/2']) {
      assert.throws(
        () => parseShard(bad),
        (error: unknown) =>
          error instanceof UserError &&
          error.code === 'ERR_HEAPDRIFT_OPTION' &&
          /--shard/.test(error.message),
      );
    }
  });
});

describe('sweep plan', () => {
  test('explicit versions: deduplicated, ascending, filtered by --since', async () => {
    const versions = await planSweepVersions({
      versions: ['24.21.0', '22.14.0', '22.15.0', '22.14.0'],
      since: '22.15.0',
    });
    assert.deepEqual(versions, ['22.15.0', '24.21.0']);
  });

  test('bad versions and an empty selection are one-line errors', async () => {
    await assert.rejects(planSweepVersions({ versions: ['22'] }), /--versions: "22" is not an exact version/);
    await assert.rejects(planSweepVersions({ versions: ['22.1.0'], since: 'soon' }), /--since "soon"/);
    await assert.rejects(
      planSweepVersions({ versions: ['20.1.0'], since: '22.0.0' }),
      /no released Node.js version matches/,
    );
  });

  test('"all" scenarios are the runtime-dependent built-ins; unknown names are refused', () => {
    const all = sweepScenarioNames('all');
    assert.ok(all.includes('retained-maps') && all.includes('timer-primitive'));
    assert.ok(!all.includes('map-leak'), 'app-level fixtures are not runtime canaries');
    assert.deepEqual(sweepScenarioNames('map-leak, retained-maps'), ['map-leak', 'retained-maps']);
    assert.throws(() => sweepScenarioNames('no-such-scenario'), /no such built-in scenario/);
  });

  test('--jobs keeps results in plan order and never runs more than N at a time', async () => {
    let running = 0;
    let most = 0;
    const results = await mapWithJobs([30, 5, 20, 1, 10], 2, async (delay, position) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, delay));
      running--;
      return position;
    });
    assert.deepEqual(results, [0, 1, 2, 3, 4]);
    assert.equal(most, 2);
  });
});
