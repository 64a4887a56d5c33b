// The string table built while streaming: each string is a [start, end) range of the UTF-8
// bytes of the chunk it arrived in, decoded on first use and cached. Ranges live in fixed-size
// blocks (no doubling, no copies); strings with escapes are ranges too, decoded by JSON.parse
// when asked for; only those that crossed a chunk boundary are decoded at once.

import { lastAtOrBefore } from './sorted-search.js';
import type { StringTable } from './strings.js';

const BLOCK_BITS = 14;
const BLOCK_SIZE = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK_SIZE - 1;
/** `start` of a string kept decoded in `#decoded`. */
const DECODED = 0xffffffff;
/** Set in `end` when the range holds escapes (JSON.parse decodes it). */
const ESCAPED = 0x80000000;

export class ChunkStringTable implements StringTable {
  #chunks: Buffer[] = [];
  /** Index of the first string of each chunk in `#chunks`, ascending. */
  #chunkFirstString: number[] = [];
  #lastChunk: Uint8Array | undefined;
  #starts: Uint32Array[] = [];
  #ends: Uint32Array[] = [];
  #decoded = new Map<number, string>();
  #cache: (string | undefined)[] | undefined;
  count = 0;

  /**
   * Records the bytes [start, end) of `chunk` as the next string, `escaped` when they hold
   * backslash escapes (already checked to be valid JSON). The chunk must not be mutated later.
   */
  addRange(chunk: Uint8Array, start: number, end: number, escaped = false): void {
    if (end >= ESCAPED) {
      this.addDecoded(decodeRange(toBuffer(chunk), start, end, escaped));
      return;
    }
    if (chunk !== this.#lastChunk) {
      this.#lastChunk = chunk;
      this.#chunks.push(toBuffer(chunk));
      this.#chunkFirstString.push(this.count);
    }
    this.#append(start, escaped ? (end | ESCAPED) >>> 0 : end);
  }

  /** Whether `chunk` holds strings of this table (and so must stay untouched). */
  holds(chunk: Uint8Array): boolean {
    return chunk === this.#lastChunk;
  }

  addDecoded(value: string): void {
    this.#decoded.set(this.count, value);
    this.#append(DECODED, 0);
  }

  get(index: number): string {
    if (!(index >= 0 && index < this.count)) {
      throw new RangeError(`string index ${index} is out of range (${this.count})`);
    }
    const cache = this.#cache ?? this.#createCache();
    const cached = cache[index];
    if (cached !== undefined) return cached;
    const start = this.#starts[index >>> BLOCK_BITS]![index & BLOCK_MASK]!;
    const end = this.#ends[index >>> BLOCK_BITS]![index & BLOCK_MASK]!;
    const value =
      start === DECODED
        ? this.#decoded.get(index)!
        : decodeRange(this.#chunks[this.#chunkOf(index)]!, start, (end & ~ESCAPED) >>> 0, end >= ESCAPED);
    cache[index] = value;
    return value;
  }

  /** Drops the last block's unused slots once streaming is over. */
  finish(): this {
    const last = this.#starts.length - 1;
    const used = this.count - last * BLOCK_SIZE;
    if (last >= 0 && used < BLOCK_SIZE) {
      this.#starts[last] = this.#starts[last]!.slice(0, used);
      this.#ends[last] = this.#ends[last]!.slice(0, used);
    }
    return this;
  }

  #append(start: number, end: number): void {
    const offset = this.count & BLOCK_MASK;
    if (offset === 0) {
      this.#starts.push(new Uint32Array(BLOCK_SIZE));
      this.#ends.push(new Uint32Array(BLOCK_SIZE));
    }
    const block = this.count >>> BLOCK_BITS;
    this.#starts[block]![offset] = start;
    this.#ends[block]![offset] = end;
    this.count++;
  }

  /** The chunk holding string `index`: the last one whose first string is at or before it. */
  #chunkOf(index: number): number {
    return lastAtOrBefore(this.#chunkFirstString, this.#chunkFirstString.length, index);
  }

  #createCache(): (string | undefined)[] {
    this.#cache = new Array(this.count);
    return this.#cache;
  }
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function decodeRange(chunk: Buffer, start: number, end: number, escaped: boolean): string {
  const text = chunk.toString('utf8', start, end);
  return escaped ? (JSON.parse(`"${text}"`) as string) : text;
}
