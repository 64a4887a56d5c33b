// The re-judging schedule of a long run: every snapshot early on, then a bounded number of
// judgements per doubling of the run, so the work per new snapshot does not grow with its length.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JUDGED_EVERY_SNAPSHOT_UP_TO, judgesAfterSnapshot } from '../src/run/judging-schedule.js';

test('judged after each of the first snapshots, then 16 times per doubling, at evenly spaced counts', () => {
  for (let count = 1; count <= JUDGED_EVERY_SNAPSHOT_UP_TO; count++) assert.ok(judgesAfterSnapshot(count));
  for (let low = JUDGED_EVERY_SNAPSHOT_UP_TO; low < 2 ** 20; low *= 2) {
    const judged: number[] = [];
    for (let count = low + 1; count <= 2 * low; count++) if (judgesAfterSnapshot(count)) judged.push(count);
    assert.equal(judged.length, 16, `between ${low} and ${2 * low}`);
    const gaps = new Set(judged.slice(1).map((count, index) => count - judged[index]!));
    assert.equal(gaps.size, 1, `even spacing between ${low} and ${2 * low}`);
  }
});
