// The shared formatter on the boundary values where rounding used to pick the wrong unit or
// print an impossible reading ("2 min 60 s", "1024.0 KiB", "5120.0 MiB").

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatBytes,
  formatChange,
  formatCount,
  formatDuration,
  formatSlope,
  sampleEvenly,
  sparkline,
  table,
} from '../src/format/index.js';
import { formatAmount } from '../src/growth/index.js';
import { CLIENT_SCRIPT } from '../src/report/html-client.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe('formatBytes', () => {
  it('chooses the unit after rounding', () => {
    assert.equal(formatBytes(1_048_575), '1.0 MiB');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1023.6), '1.0 KiB');
    assert.equal(formatBytes(1024), '1.0 KiB');
    assert.equal(formatBytes(KiB * 1023.94), '1023.9 KiB');
    assert.equal(formatBytes(KiB * 1023.96), '1.0 MiB');
    assert.equal(formatBytes(GiB - 1), '1.0 GiB');
  });
  it('goes past MiB', () => {
    assert.equal(formatBytes(5 * GiB), '5.0 GiB');
    assert.equal(formatBytes(3 * 1024 * GiB), '3.0 TiB');
  });
  it('signs negative amounts, never "-0"', () => {
    assert.equal(formatBytes(-1536), '-1.5 KiB');
    assert.equal(formatBytes(-0.3), '0 B');
    assert.equal(formatBytes(0), '0 B');
  });
  it('is what growth verdict reasons use', () => {
    assert.equal(formatAmount(5 * GiB, 'bytes'), '5.0 GiB');
    assert.equal(formatAmount(1_048_575, 'bytes'), '1.0 MiB');
    assert.equal(formatAmount(12_345.4, 'count'), '12,345');
  });
});

describe('formatDuration', () => {
  it('never prints 60 seconds or 120.0 s', () => {
    assert.equal(formatDuration(179_600), '3 min 0 s');
    assert.equal(formatDuration(119_960), '2 min 0 s');
    assert.equal(formatDuration(119_940), '119.9 s');
    assert.equal(formatDuration(179_400), '2 min 59 s');
  });
  it('crosses ms → s and min → h at the rounded value', () => {
    assert.equal(formatDuration(999.4), '999 ms');
    assert.equal(formatDuration(999.6), '1.0 s');
    assert.equal(formatDuration(3_599_400), '59 min 59 s');
    assert.equal(formatDuration(3_599_600), '1 h 0 min');
    assert.equal(formatDuration(2 * 3_600_000 + 29 * 60_000 + 40_000), '2 h 30 min');
  });
});

describe('counts, changes and slopes', () => {
  it('groups thousands and keeps one decimal for small fractions', () => {
    assert.equal(formatCount(1_234_567), '1,234,567');
    assert.equal(formatCount(2.25), '2.3');
    assert.equal(formatCount(150.4), '150');
  });
  it('names metrics and formats their values', () => {
    assert.equal(formatChange([24, 57_000], 'selfSize'), 'self 24 B → 55.7 KiB');
    assert.equal(formatChange([3, 12_000], 'edgeCount'), 'entries 3 → 12,000');
    assert.equal(formatChange([4 * MiB, 5 * MiB], 'totalSelfSize'), 'heap 4.0 MiB → 5.0 MiB');
    assert.equal(formatSlope(3600, 12, 'selfSize'), '+12 B/1k it, +3.5 KiB/h');
    assert.equal(formatSlope(-2, null, 'count'), '-2.0/h');
  });
});

describe('sparkline', () => {
  it('scales a series between its minimum and maximum', () => {
    assert.equal(sparkline([0, 7, 14]), '▁▅█');
    assert.equal(sparkline([5, 5]), '▁▁');
  });
  it('caps its width, keeping the first and last value', () => {
    const long = Array.from({ length: 1000 }, (_, index) => index);
    const line = sparkline(long, 30);
    assert.equal([...line].length, 30);
    assert.equal([...line][0], '▁');
    assert.equal([...line].at(-1), '█');
    assert.equal([...sparkline(long)].length, 40, 'default cap');
    assert.deepEqual(sampleEvenly([1, 2, 3, 4, 5], 3), [1, 3, 5]);
  });
});

describe('table', () => {
  it('pads columns to the widest visible cell, aligned per column', () => {
    const text = table(
      [
        ['name', 'size'],
        ['\x1b[31mred\x1b[39m', '1.0 KiB'],
        ['a-much-longer-name', '12 B'],
      ],
      { align: ['left', 'right'], maxWidth: [10] },
    );
    assert.equal(
      text,
      ['name           size', '\x1b[31mred\x1b[39m         1.0 KiB', 'a-much-lo…     12 B'].join('\n'),
    );
  });
});

describe('the HTML page', () => {
  it('embeds the same byte and count formatting, self-contained', () => {
    for (const format of [formatBytes, formatCount]) {
      assert.ok(CLIENT_SCRIPT.includes(format.toString()), `${format.name} is embedded`);
      // Evaluated alone, as the page does: no reference to anything outside the function.
      const embedded = new Function(`${format.toString()}; return ${format.name};`)() as (
        value: number,
      ) => string;
      for (const value of [0, 1023.6, 1_048_575, 5 * GiB, -1536, 2.25, 1_234_567])
        assert.equal(embedded(value), format(value));
    }
  });
});
