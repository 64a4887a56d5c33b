// The immaterial-count rule: a structure's count that shows no significant trend but cannot
// be bounded is settled by the same structure's bytes, and only then. Series are judged by
// the real verdict chain; the count below is one measured in the HTTP keep-alive control.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Candidate } from '../src/growth/candidates.js';
import { IMMATERIAL_COUNT_RULE, settleImmaterialCounts } from '../src/growth/materiality.js';
import { judgeSeries, type MeasuredSeries, type SeriesVerdict } from '../src/growth/verdict.js';

/** Snapshots every 3 s of a script, 12 of them, the default run's shape. */
function timeSeries(values: number[]): MeasuredSeries {
  const x = values.map((_, index) => (index + 1) * 3000);
  return { x, y: values, xUnit: 'ms', elapsedMs: x };
}

// `agent > sockets > … > Socket > parser` edges in one run of bench/verdicts/corpus/
// control-http-keepalive.cjs: a socket's parser met on that path in the last two snapshots only.
const PARSER_EDGES = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 60, 60];
const undecidedCount = judgeSeries(timeSeries(PARSER_EDGES), { kind: 'count' });
const KEY = 7;

function settle(count: SeriesVerdict, bytes: SeriesVerdict, bytesTested: boolean): SeriesVerdict {
  const candidates: Candidate[] = [{ key: KEY, metric: 'edgeCount' }];
  const verdicts = [count];
  if (bytesTested) {
    candidates.push({ key: KEY, metric: 'selfSize' });
    verdicts.push(bytes);
  }
  let asked = 0;
  const settled = settleImmaterialCounts(candidates, verdicts, () => {
    asked++;
    return bytes;
  });
  if (bytesTested) assert.equal(asked, 0, 'bytes already tested are not judged again');
  return settled[0]!;
}

describe('immaterial counts', () => {
  it('the measured count is undecided for want of a significant trend', () => {
    assert.equal(undecidedCount.verdict, 'inconclusive');
    assert.equal(undecidedCount.decidedBy, 'significance');
  });

  it('is settled as stable when the same structure’s bytes are stable', () => {
    // One parser's few hundred bytes appearing late: bounded far below what could matter.
    const bytes = judgeSeries(timeSeries(PARSER_EDGES.map((edges) => edges * 8)), { kind: 'bytes' });
    assert.equal(bytes.verdict, 'stable');
    for (const tested of [false, true]) {
      const settled = settle(undecidedCount, bytes, tested);
      assert.equal(settled.verdict, 'stable');
      assert.equal(settled.decidedBy, IMMATERIAL_COUNT_RULE);
      assert.match(
        settled.reason,
        /^no significant trend \(Mann–Kendall S = -?\d+, p = [^)]+\); what it cannot exclude .*structure's own memory, which is stable/,
      );
    }
  });

  it('stays undecided when the structure’s bytes grow or are undecided themselves', () => {
    const growingBytes = judgeSeries(
      timeSeries(Array.from({ length: 12 }, (_, index) => index * 64 * 1024)),
      { kind: 'bytes' },
    );
    assert.equal(growingBytes.verdict, 'growing');
    assert.equal(settle(undecidedCount, growingBytes, true).verdict, 'inconclusive');
    const undecidedBytes = judgeSeries(timeSeries(PARSER_EDGES.map((edges) => edges * 1024)), {
      kind: 'bytes',
    });
    assert.equal(undecidedBytes.verdict, 'inconclusive');
    assert.equal(settle(undecidedCount, undecidedBytes, false).verdict, 'inconclusive');
  });

  it('leaves a significant rise that slowed down, and byte series, to their own rules', () => {
    const stableBytes = judgeSeries(timeSeries(new Array(12).fill(1000)), { kind: 'bytes' });
    const slowed: SeriesVerdict = { ...undecidedCount, decidedBy: 'persistence' };
    assert.deepEqual(settle(slowed, stableBytes, false), slowed);
    const undecidedBytes = judgeSeries(timeSeries(PARSER_EDGES.map((edges) => edges * 1024)), {
      kind: 'bytes',
    });
    const [kept] = settleImmaterialCounts(
      [{ key: KEY, metric: 'selfSize' }],
      [undecidedBytes],
      () => stableBytes,
    );
    assert.deepEqual(kept, undecidedBytes);
  });
});
