// The floors of src/growth/drift.ts on the series they were made for: exact program data
// (counts after a forced GC) must be growing however small a steady rise is, runtime drift
// must clear its measured floors, and undecided series that could not matter are stable.
// Classification is checked on a real snapshot's keys.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeDistances } from '../src/analysis/distances.js';
import {
  classExactness,
  floorsFor,
  isRuntimeClass,
  KeyExactness,
  measureStructures,
  programName,
  StructureKeys,
} from '../src/growth/index.js';
import { judgeSeries, type MeasuredSeries } from '../src/growth/verdict.js';
import { readHeapSnapshot } from '../src/snapshot/read.js';
import { realSnapshot } from './helpers/snapshots.js';

function perIteration(values: number[], step = 50): MeasuredSeries {
  return {
    x: values.map((_, i) => (i + 1) * step),
    y: values,
    xUnit: 'iteration',
    elapsedMs: values.map((_, i) => i * 1000),
  };
}

const exactCount = { ...floorsFor('exact', 'count', 'class'), kind: 'count' as const };

describe('exact program data', () => {
  it("calls the issue's AuditEntry count (0, 5, … 95: one per 10 calls) growing, with its rate", () => {
    const verdict = judgeSeries(perIteration(Array.from({ length: 20 }, (_, i) => 5 * i)), exactCount);
    assert.equal(verdict.verdict, 'growing', verdict.reason);
    assert.ok(Math.abs(verdict.slopePer1000Iterations! - 100) < 1e-9);
  });

  it('the same count under the old class floor (256 objects) was stable: the floor hid it', () => {
    const verdict = judgeSeries(perIteration(Array.from({ length: 20 }, (_, i) => 5 * i)), {
      kind: 'count',
      absoluteFloor: 256,
    });
    assert.equal(verdict.verdict, 'stable');
  });

  it('a pool or agent filling a few slots (0 … 4 then flat) is stable, not a leak', () => {
    const verdict = judgeSeries(perIteration([0, 0, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4]), exactCount);
    assert.equal(verdict.verdict, 'stable', verdict.reason);
  });

  it('a bounded cache that fills during the run and stays is stable', () => {
    const fill = [0, 400, 800, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000];
    const verdict = judgeSeries(perIteration(fill), exactCount);
    assert.equal(verdict.verdict, 'stable', verdict.reason);
  });
});

describe('undecided series that could not matter', () => {
  it('a structure wobbling between 0 and 261 bytes is stable', () => {
    const wobble = [0, 261, 0, 130, 261, 0, 261, 130, 0, 261, 0, 261];
    const verdict = judgeSeries(perIteration(wobble), floorsFor('exact', 'selfSize', 'structure'));
    assert.equal(verdict.verdict, 'stable', verdict.reason);
  });

  it('one step from 0 to 28 bytes near the end is stable', () => {
    const step = [0, 0, 0, 0, 0, 0, 0, 0, 0, 28, 28, 28];
    const verdict = judgeSeries(perIteration(step), floorsFor('exact', 'selfSize', 'structure'));
    assert.equal(verdict.verdict, 'stable', verdict.reason);
  });

  it('a wide wobble without trend (a WeakSet table: 1 … 1,015 entries) is bounded, not undecided', () => {
    const measured = [1, 616, 961, 349, 493, 355, 211, 592, 1015];
    const verdict = judgeSeries(perIteration(measured), floorsFor('exact', 'edgeCount', 'structure'));
    assert.equal(verdict.verdict, 'stable', verdict.reason);
  });

  it('an undecided series that could matter stays inconclusive and says what to run', () => {
    const noisy = [0, 90e3, 20e3, 150e3, 40e3, 60e3, 210e3, 30e3, 120e3, 260e3, 50e3, 300e3];
    const verdict = judgeSeries(perIteration(noisy), floorsFor('drift', 'selfSize', 'structure'));
    assert.equal(verdict.verdict, 'inconclusive', verdict.reason);
    assert.match(verdict.reason, /a run twice as long \(\d+ snapshots at the same interval\) will tell/);
  });
});

describe('runtime drift', () => {
  it('whole-heap code drift of the measured size (+293 KiB, 15 %) is not a growing class', () => {
    const code = [
      900e3, 1650e3, 1669e3, 1694e3, 1961e3, 1883e3, 1901e3, 1993e3, 1970e3, 1950e3, 2059e3, 2020e3,
    ];
    const verdict = judgeSeries(perIteration(code), {
      ...floorsFor('drift', 'selfSize', 'class'),
      kind: 'bytes',
    });
    assert.equal(verdict.verdict, 'stable', verdict.reason);
  });

  it('classifies classes: the program’s are exact, V8’s code, shapes and internals drift', () => {
    for (const name of ['LeakySession', 'Object', 'Array', '(closure)', 'system / Context'])
      assert.equal(classExactness(name), 'exact', name);
    for (const name of [
      // Whole-heap string totals count V8's representations (ropes, slices), which it changes.
      '(string)',
      '(concatenated string)',
      '(compiled code)',
      '(system)',
      '(object shape)',
      'system / FeedbackVector',
      '(array)',
    ])
      assert.equal(classExactness(name), 'drift', name);
    assert.equal(isRuntimeClass('system / WeakArrayList'), true);
  });

  it('classifies the keys of a real heap: program paths exact, paths through code or (GC roots) drift', async () => {
    const graph = await readHeapSnapshot(realSnapshot('system'));
    const keys = new StructureKeys();
    measureStructures(graph, keys, { parentEdges: computeDistances(graph).parentEdges });
    const exactness = new KeyExactness(keys);
    let exactLeaky = 0;
    for (let key = 1; key < keys.size; key++) {
      const path = keys.path(key);
      if (path.startsWith('(GC roots)') || path.includes('(compiled code)'))
        assert.equal(exactness.of(key), 'drift', path);
      if (path.endsWith('> Leaky') && exactness.of(key) === 'exact') exactLeaky++;
    }
    assert.ok(exactLeaky >= 1, 'the fixture’s Leaky objects are exact program data');
  });
});

describe('owner names', () => {
  const segment = (edge: string, edgeType: string, className: string) => ({ edge, edgeType, className });
  it('names an owner from its deepest variable through property accesses', () => {
    const name = programName([
      segment('', 'element', 'global'),
      segment('bus', 'context', 'EventEmitter'),
      segment('_events', 'property', 'Object'),
      segment('config-changed', 'property', 'Array'),
    ]);
    assert.deepEqual(name, { name: "bus._events['config-changed']", className: 'Array' });
  });

  it("names a Map's table by the Map", () => {
    const name = programName([
      segment('sessions', 'context', 'Map'),
      segment('table', 'internal', '(array)'),
    ]);
    assert.deepEqual(name, { name: 'sessions', className: 'Map' });
  });
});

describe('what accumulates does not go back', () => {
  it('a keep-alive agent filling its 4 sockets under load (0 … 4, dips, 4) is stable', () => {
    // Measured: the agent's free sockets' edges in a loopback HTTP control on a loaded machine.
    const sockets = [0, 0, 0, 0, 56, 112, 28, 84, 84, 112, 112, 112];
    const verdict = judgeSeries(perIteration(sockets), {
      ...floorsFor('exact', 'edgeCount', 'structure'),
      kind: 'count',
    });
    assert.equal(verdict.verdict, 'stable', verdict.reason);
  });

  it('a retained size wobbling with its code (0 … 39 KiB, measured) is stable', () => {
    const retained = [5960, 5960, 12744, 16288, 0, 36240, 0, 16288, 20296, 38784, 38784, 38784];
    const verdict = judgeSeries(perIteration(retained), {
      ...floorsFor('drift', 'retainedSize', 'structure'),
    });
    assert.equal(verdict.verdict, 'stable', verdict.reason);
  });

  it('a leak that starts in the second half of the run is still growing', () => {
    const late = [0, 0, 0, 0, 0, 0, 0, 10, 20, 30, 40, 50, 60, 70];
    const verdict = judgeSeries(perIteration(late), {
      ...floorsFor('exact', 'count', 'class'),
      kind: 'count',
    });
    assert.equal(verdict.verdict, 'growing', verdict.reason);
  });
});
