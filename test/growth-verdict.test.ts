// Verdicts on the retained_maps series measured for DESIGN.md and on synthetic series: noisy
// flat heaps, linear leaks, steps then a plateau, sawtooth caches, too-short runs. Each
// verdict must come from the rule named for it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decide,
  gatherEvidence,
  judgeSeries,
  type MeasuredSeries,
  type SeriesVerdict,
  type VerdictRule,
  verdictRules,
} from '../src/growth/verdict.js';
import { normalNoise, seededRandom } from './helpers/random.js';

// Measured on this machine (DESIGN.md, "Statistics"): retained_maps self size per snapshot.
const FIXED_NODE_SERIES = [24, 1896, 1896, 1896, 1896, 1896, 3144, 3144, 3144];
const AFFECTED_NODE_SERIES = [24, 4776, 10776, 16296, 24456, 24456, 37224, 37224, 55896];
// Measured for this module with src/scenarios/retained-maps.cjs, a snapshot every 30 passes
// (240 passes, ~40 s on a loaded machine): the list grows by half when full, so an affected
// Node climbs in steps that come further apart; a fixed one rises once and stays.
const MEASURED_22_14_0 = [0, 7776, 26496, 59856, 89808, 89808, 134808, 134808, 134808];
const MEASURED_22_15_0 = [0, 1320, 2064, 2064, 2064, 2064, 2064, 2064, 2064];

/** Samples every `step` iterations, 3 s apart. */
function iterationSeries(values: number[], step = 100): MeasuredSeries {
  return {
    x: values.map((_, i) => (i + 1) * step),
    y: values,
    xUnit: 'iteration',
    elapsedMs: values.map((_, i) => i * 3000),
  };
}

function generated(samples: number, value: (i: number) => number): MeasuredSeries {
  return iterationSeries(Array.from({ length: samples }, (_, i) => Math.round(value(i))));
}

function tally(verdicts: SeriesVerdict[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const verdict of verdicts) {
    const key = `${verdict.verdict}:${verdict.decidedBy}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('verdicts on the measured retained_maps series', () => {
  it("calls a fixed Node's steps to a high-water mark stable, though Mann–Kendall alone calls it increasing", () => {
    const verdict = judgeSeries(iterationSeries(FIXED_NODE_SERIES));
    assert.equal(verdict.verdict, 'stable', verdict.reason);
    assert.ok(verdict.pValue < 0.05, 'the trend test alone would call it increasing');
    assert.equal(verdict.decidedBy, 'plateau');
    assert.match(verdict.reason, /rose in 1 step.*high-water mark/);
    assert.equal(verdict.warmupDiscarded, 1);
    assert.equal(verdict.samples, 8);
    // Without the plateau rule, the byte floor still calls it stable: two defences.
    const withoutPlateau = decide(
      gatherEvidence(iterationSeries(FIXED_NODE_SERIES)),
      verdictRules.filter((rule) => rule.name !== 'plateau'),
    );
    assert.deepEqual([withoutPlateau.verdict, withoutPlateau.decidedBy], ['stable', 'magnitude']);
    const withoutFloor = judgeSeries(iterationSeries(FIXED_NODE_SERIES), { absoluteFloor: 0 });
    assert.deepEqual([withoutFloor.verdict, withoutFloor.decidedBy], ['stable', 'plateau']);
  });

  it("calls an affected Node's climbing list growing, with slopes per 1,000 iterations and per hour", () => {
    const verdict = judgeSeries(iterationSeries(AFFECTED_NODE_SERIES));
    assert.equal(verdict.verdict, 'growing', verdict.reason);
    assert.equal(verdict.decidedBy, 'persistence');
    assert.ok(verdict.pValue < 0.01 && verdict.confidence > 0.99);
    assert.ok(verdict.relativeGrowth > 0.5);
    // 100 iterations between samples: the slope is bytes per iteration.
    assert.ok(verdict.slopePer1000Iterations! > 40_000 && verdict.slopePer1000Iterations! < 90_000);
    assert.ok(verdict.slopeInterval[0] > 0 && verdict.slopeInterval[0] <= verdict.slope);
    // 3 s between samples: ~6.4 KB per sample is ~7.7 MB per hour.
    assert.ok(verdict.slopePerHour > 5e6 && verdict.slopePerHour < 1e7, `${verdict.slopePerHour}`);
    // Still growing without the byte floor or with the plateau rule's tolerance doubled.
    assert.equal(judgeSeries(iterationSeries(AFFECTED_NODE_SERIES), { absoluteFloor: 0 }).verdict, 'growing');
    assert.equal(
      judgeSeries(iterationSeries(AFFECTED_NODE_SERIES), { plateauFlatness: 0.2 }).verdict,
      'growing',
    );
  });

  it('calls the staircase of an affected 22.14.0 growing though its last three samples are flat', () => {
    const passes = (values: number[]) => iterationSeries(values, 30);
    for (let length = 7; length <= 9; length++) {
      const affected = judgeSeries(passes(MEASURED_22_14_0.slice(0, length)));
      assert.equal(affected.verdict, 'growing', `${length}: ${affected.reason}`);
      const fixed = judgeSeries(passes(MEASURED_22_15_0.slice(0, length)));
      assert.equal(fixed.verdict, 'stable', `${length}: ${fixed.reason}`);
    }
    const full = judgeSeries(passes(MEASURED_22_14_0));
    assert.equal(full.decidedBy, 'persistence');
    assert.match(full.reason, /4 steps.*rhythm/);
  });

  it('separates the two series from seven samples on, and says too few before', () => {
    for (let length = 7; length <= 9; length++) {
      assert.equal(judgeSeries(iterationSeries(AFFECTED_NODE_SERIES.slice(0, length))).verdict, 'growing');
      assert.equal(judgeSeries(iterationSeries(FIXED_NODE_SERIES.slice(0, length))).verdict, 'stable');
    }
    const short = judgeSeries(iterationSeries(AFFECTED_NODE_SERIES.slice(0, 4)));
    assert.equal(short.verdict, 'inconclusive');
    assert.equal(short.decidedBy, 'enough-samples');
  });
});

describe('verdicts on synthetic series', () => {
  it('calls noisy flat heaps (tens of KB of drift on MBs) stable', () => {
    const random = seededRandom(11);
    const verdicts: SeriesVerdict[] = [];
    for (const samples of [9, 15, 30]) {
      for (let trial = 0; trial < 100; trial++) {
        verdicts.push(judgeSeries(generated(samples, () => 5e6 + 30e3 * normalNoise(random))));
        // A slow upward drift of 40 KB over the run, as JIT code and feedback vectors accumulate.
        verdicts.push(
          judgeSeries(generated(samples, (i) => 5e6 + (40e3 * i) / samples + 15e3 * normalNoise(random))),
        );
      }
    }
    const counts = tally(verdicts);
    assert.equal(
      verdicts.filter((verdict) => verdict.verdict === 'stable').length,
      verdicts.length,
      JSON.stringify(counts),
    );
  });

  it('calls a Map leak (steady linear growth) growing, exact or noisy', () => {
    const exact = judgeSeries(generated(9, (i) => 8000 * (i + 1)));
    assert.equal(exact.verdict, 'growing');
    assert.ok(Math.abs(exact.slopePer1000Iterations! - 80_000) < 1e-6);
    const random = seededRandom(5);
    const verdicts = Array.from({ length: 100 }, () =>
      judgeSeries(generated(15, (i) => 100e3 + 10e3 * i + 5e3 * normalNoise(random))),
    );
    const growing = verdicts.filter((verdict) => verdict.verdict === 'growing').length;
    assert.equal(growing, 100, JSON.stringify(tally(verdicts)));
  });

  it('calls a few steps then a flat line stable (the live high-water mark)', () => {
    const random = seededRandom(3);
    const verdicts = Array.from({ length: 100 }, () =>
      judgeSeries(
        generated(9, (i) =>
          i < 2 ? 100e3 : i < 4 ? 300e3 : i < 5 ? 500e3 : 600e3 + 5e3 * normalNoise(random),
        ),
      ),
    );
    // The few that are not stable are not significant at 9 samples: inconclusive, never growing.
    const counts = JSON.stringify(tally(verdicts));
    assert.ok(verdicts.filter((verdict) => verdict.verdict === 'stable').length >= 90, counts);
    assert.ok(!verdicts.some((verdict) => verdict.verdict === 'growing'), counts);
    assert.ok(verdicts.some((verdict) => verdict.decidedBy === 'plateau'));
    // Longer runs of the same heap: the plateau only gets clearer.
    for (const samples of [12, 15, 30]) {
      const longer = Array.from({ length: 50 }, () =>
        judgeSeries(
          generated(samples, (i) =>
            i < 2 ? 100e3 : i < 4 ? 300e3 : i < 5 ? 500e3 : 600e3 + 5e3 * normalNoise(random),
          ),
        ),
      );
      const stable = longer.filter((verdict) => verdict.verdict === 'stable').length;
      assert.equal(stable, 50, JSON.stringify(tally(longer)));
    }
  });

  it('calls a sawtooth (a cache filled and cleared) stable as bounded', () => {
    for (const samples of [9, 15, 30]) {
      const verdict = judgeSeries(generated(samples, (i) => 1e6 + (i % 5) * 40e3));
      assert.equal(verdict.verdict, 'stable', verdict.reason);
      assert.equal(verdict.decidedBy, 'bounded');
      const fromZero = judgeSeries(generated(samples, (i) => (i % 4) * 50e3));
      assert.equal(fromZero.verdict, 'stable', fromZero.reason);
    }
  });

  it('calls a sawtooth whose floor climbs growing', () => {
    const verdict = judgeSeries(generated(20, (i) => 1e6 + (i % 4) * 40e3 + 30e3 * i));
    assert.equal(verdict.verdict, 'growing', verdict.reason);
  });

  it('calls unchanged and shrinking series stable, each by its rule', () => {
    const unchanged = judgeSeries(generated(8, () => 4096));
    assert.deepEqual([unchanged.verdict, unchanged.decidedBy], ['stable', 'no-change']);
    const shrinking = judgeSeries(generated(12, (i) => 1e6 - 20e3 * i));
    assert.deepEqual([shrinking.verdict, shrinking.decidedBy], ['stable', 'trend-test']);
    assert.match(shrinking.reason, /decreasing/);
  });

  it('says inconclusive when a noisy series can neither show nor exclude growth', () => {
    // Swings of ±30 KB on ~130 KB with a weak upward drift, 9 samples: no significant trend,
    // but the slope's confidence interval still allows ~100 KB of growth over the run.
    const verdict = judgeSeries(
      iterationSeries([100, 130, 95, 160, 110, 170, 105, 150, 165].map((kb) => kb * 1000)),
    );
    assert.deepEqual([verdict.verdict, verdict.decidedBy], ['inconclusive', 'significance']);
    assert.ok(verdict.pValue > 0.05 && verdict.slopeInterval[1] * 700 > 8192);
  });

  it('measures time series per hour', () => {
    const series: MeasuredSeries = {
      x: [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000],
      y: [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000].map((ms) => 1e5 + 2 * ms),
      xUnit: 'ms',
      elapsedMs: [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000],
    };
    const verdict = judgeSeries(series);
    assert.equal(verdict.verdict, 'growing');
    assert.equal(verdict.slopePerHour, 2 * 3_600_000);
    assert.equal(verdict.slopePer1000Iterations, null);
  });

  it('counts entries with the count floor', () => {
    // 5 entries over a run is below the 32-entry floor; 500 is not.
    assert.equal(
      judgeSeries(
        generated(10, (i) => 10 + Math.floor(i / 2)),
        { kind: 'count' },
      ).verdict,
      'stable',
    );
    assert.equal(
      judgeSeries(
        generated(10, (i) => 10 + 50 * i),
        { kind: 'count' },
      ).verdict,
      'growing',
    );
  });
});

describe('the rule chain', () => {
  it('with a step limit, a staircase that pauses is growing; fixed runtimes stay stable', () => {
    // Measured retained_maps series (bytes, every 8 iterations): 22.14.0 on a heavily loaded
    // machine (its steps paused for the last 10 snapshots), and fixed 24.21.0 and 22.15.0.
    const pausedLeak = [24, 7944, 18000, 27072, 40608, 40608, 61032, ...Array(10).fill(61032)];
    const lateStep = [0, 1464, ...Array(12).fill(1464), 2208, 2208, 2208];
    const flat = [24, 2256, ...Array(15).fill(2256)];
    const judge = (y: number[], maximumPlateauSteps?: number) =>
      judgeSeries(
        { x: y.map((_, i) => i * 8), y, xUnit: 'iteration', elapsedMs: y.map((_, i) => i * 800) },
        { warmupSamples: 2, maximumPlateauSteps },
      );
    assert.equal(judge(pausedLeak).verdict, 'stable', 'without the limit it reads as a high-water mark');
    const limited = judge(pausedLeak, 2);
    assert.equal(limited.verdict, 'growing');
    assert.equal(limited.decidedBy, 'step-limit');
    assert.equal(judge(lateStep, 2).verdict, 'stable');
    assert.equal(judge(flat, 2).verdict, 'stable');
  });

  it('lists its rules in order and lets callers decide with their own chain', () => {
    assert.deepEqual(
      verdictRules.map((rule) => rule.name),
      [
        'enough-samples',
        'no-change',
        'step-limit',
        'trend-test',
        'bounded',
        'plateau',
        'capped',
        'significance',
        'magnitude',
        'persistence',
      ],
    );
    const evidence = gatherEvidence(iterationSeries(AFFECTED_NODE_SERIES));
    const strict: VerdictRule = {
      name: 'at-least-100-kib',
      decide: (item) => (item.growth < 100 * 1024 ? { verdict: 'stable', reason: 'small' } : undefined),
    };
    const verdict = decide(evidence, [strict, ...verdictRules]);
    assert.deepEqual([verdict.verdict, verdict.decidedBy], ['stable', 'at-least-100-kib']);
    assert.equal(decide(evidence, []).decidedBy, 'none');
  });

  it('uses an adjusted p-value when given one', () => {
    const verdict = judgeSeries(iterationSeries(AFFECTED_NODE_SERIES), { adjustedPValue: 0.2 });
    assert.notEqual(verdict.verdict, 'growing');
    assert.equal(verdict.pValue, 0.2);
  });

  it('rejects malformed series', () => {
    assert.throws(() => judgeSeries({ x: [1, 1], y: [1, 2], xUnit: 'ms', elapsedMs: [1, 1] }), RangeError);
    assert.throws(() => judgeSeries({ x: [1, 2], y: [1], xUnit: 'ms', elapsedMs: [1, 2] }), RangeError);
    assert.throws(
      () => judgeSeries({ x: [1, 2], y: [1, Number.NaN], xUnit: 'ms', elapsedMs: [1, 2] }),
      RangeError,
    );
  });
});
