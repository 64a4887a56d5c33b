// The parser's hot loop, kept apart from the parser class so V8 optimizes it on its own:
// runs of non-negative integers separated by commas, written straight into a typed array.
// Anything else (newlines, ']', signs, fractions, a full array) is handed back to the parser.

import type { NumberArray } from './graph.js';

/** Positions inside an array section, shared with the parser. */
export const ARRAY_START = 0; // after '[': an element or ']'
export const ARRAY_ELEMENT = 1; // after ',': an element
export const ARRAY_IN_VALUE = 2; // inside a number or a string
export const ARRAY_SEPARATOR = 3; // after an element: ',' or ']'
export const ARRAY_IN_SLOW_NUMBER = 4; // a number with a sign, fraction or exponent

export interface NumberScanState {
  values: NumberArray;
  length: number;
  phase: number;
  /** The digits read so far of a number split across chunks. */
  value: number;
}

/**
 * Consumes numbers from `index` and returns the index of the first byte it leaves to the
 * caller: a non-digit where an element may start or end (other than a comma right after a
 * number), a number that does not fit the fast path, or `end`.
 */
export function scanNumbers(state: NumberScanState, chunk: Uint8Array, index: number, end: number): number {
  const values = state.values;
  const capacity = values.length;
  let length = state.length;
  let phase = state.phase;
  let value = state.value;
  while (index < end) {
    if (phase !== ARRAY_IN_VALUE) {
      const first = chunk[index]!;
      if ((first - 48) >>> 0 > 9 || phase === ARRAY_SEPARATOR || phase === ARRAY_IN_SLOW_NUMBER) break;
      value = first - 48;
      index++;
    }
    let byte = 0;
    while (index < end) {
      byte = chunk[index]!;
      const digit = byte - 48;
      if (digit >>> 0 > 9) break;
      value = value * 10 + digit;
      index++;
    }
    if (index === end) {
      phase = ARRAY_IN_VALUE;
      break;
    }
    // Fractions, exponents, a full array or a value past 32 bits: the caller's slow path.
    if (byte === 46 || byte === 101 || byte === 69 || length === capacity || value >>> 0 !== value) {
      phase = ARRAY_IN_VALUE;
      break;
    }
    values[length++] = value;
    value = 0;
    if (byte === 44) {
      phase = ARRAY_ELEMENT;
      index++;
    } else {
      phase = ARRAY_SEPARATOR;
      break;
    }
  }
  state.length = length;
  state.phase = phase;
  state.value = value;
  return index;
}
