// A growable array of the non-negative integers that make up a snapshot's big sections.
// It starts as a Uint32Array sized from the header's counts (when given) and widens to a
// Float64Array only if a value does not fit, so the common case costs 4 bytes per number.

import type { NumberArray } from './graph.js';
import { ARRAY_START, type NumberScanState } from './number-scanner.js';

const MAX_UINT32 = 0xffffffff;

/**
 * Takes a builder's values elsewhere instead of letting it grow (node-rows.ts): `flush` when
 * it is full, `finish` at the section's end. Every number section is scanned into a
 * NumberArrayBuilder, with or without one, so the scanner's hot loop sees one object shape.
 */
export interface NumberDrain {
  flush(builder: NumberArrayBuilder): void;
  finish(builder: NumberArrayBuilder): NumberArray;
}

export class NumberArrayBuilder implements NumberScanState {
  values: NumberArray;
  length = 0;
  phase = ARRAY_START;
  value = 0;
  readonly drain: NumberDrain | undefined;

  constructor(expectedLength: number, drain?: NumberDrain) {
    this.values = new Uint32Array(Math.max(16, expectedLength));
    this.drain = drain;
  }

  /** Appends one value; the parser inlines the fast path and calls this only when full or wide. */
  push(value: number): void {
    if (this.length === this.values.length) {
      if (this.drain) this.drain.flush(this);
      else this.grow();
    }
    if ((value > MAX_UINT32 || value < 0 || !Number.isInteger(value)) && this.values instanceof Uint32Array) {
      this.values = Float64Array.from(this.values);
    }
    this.values[this.length++] = value;
  }

  grow(): void {
    const larger = new (this.values.constructor as typeof Uint32Array)(this.values.length * 2);
    larger.set(this.values);
    this.values = larger;
  }

  /** The filled part. Copies only when more than 1/8 of the allocation would be wasted. */
  finish(): NumberArray {
    if (this.drain) return this.drain.finish(this);
    if (this.length === this.values.length) return this.values;
    if (this.values.length - this.length > this.values.length / 8) return this.values.slice(0, this.length);
    return this.values.subarray(0, this.length);
  }
}
