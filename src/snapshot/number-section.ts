// One number array section (`nodes`, `edges`, …) read from the bytes after its '[' up to and
// including its ']': the fast scanner does the runs of digits and commas, this the rest. Used
// by the parser and, for the edges of a large file, by the reader's second thread.

import { SnapshotFormatError } from './errors.js';
import type { NumberArray } from './graph.js';
import { NumberArrayBuilder } from './number-array.js';
import {
  ARRAY_ELEMENT,
  ARRAY_IN_SLOW_NUMBER,
  ARRAY_IN_VALUE,
  ARRAY_SEPARATOR,
  scanNumbers,
} from './number-scanner.js';

const COMMA = 44;
const CLOSE_BRACKET = 93;
const MINUS = 45;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export class NumberSectionReader {
  readonly key: string;
  readonly #builder: NumberArrayBuilder;
  #slowNumber = '';
  #chunkOffset = 0;
  #result: NumberArray | undefined;

  /** `sink` receives the values; by default a plain array sized for `expectedLength` values. */
  constructor(key: string, expectedLength: number, sink = new NumberArrayBuilder(expectedLength)) {
    this.key = key;
    this.#builder = sink;
  }

  /** The values, once the closing ']' was read; undefined before. */
  get result(): NumberArray | undefined {
    return this.#result;
  }

  /**
   * Reads from `index` and returns where it stopped: `end`, or just past the closing ']'.
   * `chunkOffset` is the input offset of `chunk[0]`, for error messages.
   */
  read(chunk: Uint8Array, index: number, end: number, chunkOffset: number): number {
    this.#chunkOffset = chunkOffset;
    const builder = this.#builder;
    while (index < end) {
      index = scanNumbers(builder, chunk, index, end);
      if (index === end) break;
      index = this.#readBoundary(builder, chunk, index, end);
      if (this.#result) break;
    }
    return index;
  }

  #fail(message: string, index: number): never {
    throw new SnapshotFormatError(message, this.#chunkOffset + index);
  }

  #readBoundary(builder: NumberArrayBuilder, chunk: Uint8Array, index: number, end: number): number {
    const byte = chunk[index]!;
    const phase = builder.phase;
    if (phase === ARRAY_IN_SLOW_NUMBER) return this.#readSlowNumber(builder, chunk, index, end);
    if (phase === ARRAY_IN_VALUE) {
      // A complete number the fast path did not store: a fraction or exponent follows, the
      // array is full, or the value needs more than 32 bits.
      const value = builder.value;
      builder.value = 0;
      if (byte === 46 || byte === 101 || byte === 69) {
        this.#slowNumber = String(value);
        builder.phase = ARRAY_IN_SLOW_NUMBER;
        return this.#readSlowNumber(builder, chunk, index, end);
      }
      builder.push(value);
      builder.phase = ARRAY_SEPARATOR;
      return index;
    }
    if (byte === COMMA) {
      if (phase !== ARRAY_SEPARATOR) this.#fail(`unexpected ',' in "${this.key}"`, index);
      builder.phase = ARRAY_ELEMENT;
      return index + 1;
    }
    if (byte === CLOSE_BRACKET) {
      if (phase === ARRAY_ELEMENT) this.#fail(`trailing ',' in "${this.key}"`, index);
      this.#result = builder.finish();
      return index + 1;
    }
    if (byte === 32 || byte === 10 || byte === 13 || byte === 9) return index + 1;
    if (phase === ARRAY_SEPARATOR) {
      this.#fail(
        `unexpected ${describeByte(byte)} in the number array "${this.key}" (expected ',' or ']')`,
        index,
      );
    }
    if (byte === MINUS) {
      this.#slowNumber = '';
      builder.phase = ARRAY_IN_SLOW_NUMBER;
      return this.#readSlowNumber(builder, chunk, index, end);
    }
    return this.#fail(`unexpected ${describeByte(byte)} in the number array "${this.key}"`, index);
  }

  /** Numbers V8 does not write in the big sections (signs, fractions, exponents): exact but slow. */
  #readSlowNumber(builder: NumberArrayBuilder, chunk: Uint8Array, index: number, end: number): number {
    let text = this.#slowNumber;
    while (index < end) {
      const byte = chunk[index]!;
      if (
        (byte >= 48 && byte <= 57) ||
        byte === 45 ||
        byte === 43 ||
        byte === 46 ||
        byte === 101 ||
        byte === 69
      ) {
        text += String.fromCharCode(byte);
        index++;
      } else {
        if (!JSON_NUMBER.test(text)) this.#fail(`invalid number "${text}" in "${this.key}"`, index);
        builder.push(Number(text));
        this.#slowNumber = '';
        builder.phase = ARRAY_SEPARATOR;
        return index;
      }
    }
    this.#slowNumber = text;
    return index;
  }
}

export function describeByte(byte: number): string {
  return byte >= 33 && byte < 127
    ? `'${String.fromCharCode(byte)}'`
    : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}
