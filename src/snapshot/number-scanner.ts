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

const COMMA = 44;
const NEWLINE = 10;

/**
 * Consumes numbers from `index` and returns the index of the first byte it leaves to the
 * caller: anything but digits, commas and the newline V8 writes after each row (`1,2,3\n,4`),
 * a number that does not fit the fast path (a fraction or exponent follows, the array is full,
 * it needs more than 32 bits, or `]` or other whitespace ends it), or `end`. Handling the row
 * ends here too halves the calls and state stores per row.
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
      if (first === COMMA && phase === ARRAY_SEPARATOR) {
        phase = ARRAY_ELEMENT;
        index++;
        continue;
      }
      if ((first - 48) >>> 0 > 9 || phase === ARRAY_SEPARATOR || phase === ARRAY_IN_SLOW_NUMBER) break;
      value = first - 48;
      phase = ARRAY_IN_VALUE;
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
    if (index === end) break;
    if ((byte !== COMMA && byte !== NEWLINE) || length === capacity || value >>> 0 !== value) break;
    values[length++] = value;
    value = 0;
    phase = byte === COMMA ? ARRAY_ELEMENT : ARRAY_SEPARATOR;
    index++;
  }
  state.length = length;
  state.phase = phase;
  state.value = value;
  return index;
}
