// The string table built while streaming: each string is a (chunk, start, end) range of the
// UTF-8 bytes it arrived in, decoded on first use and cached. Strings that had escapes or
// crossed a chunk boundary are decoded at once and kept as JS strings.

import type { StringTable } from './strings.js';

const DECODED = 0xffffffff;

export class ChunkStringTable implements StringTable {
  #chunks: Buffer[] = [];
  #lastChunk: Uint8Array | undefined;
  #chunkIds = new Uint32Array(1024);
  #starts = new Uint32Array(1024);
  #ends = new Uint32Array(1024);
  #decoded = new Map<number, string>();
  #cache: (string | undefined)[] | undefined;
  count = 0;

  /** Records the bytes [start, end) of `chunk` as the next string. The chunk must not be mutated later. */
  addRange(chunk: Uint8Array, start: number, end: number): void {
    if (this.count === this.#chunkIds.length) this.#grow();
    if (chunk !== this.#lastChunk) {
      this.#lastChunk = chunk;
      this.#chunks.push(
        Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
      );
    }
    this.#chunkIds[this.count] = this.#chunks.length - 1;
    this.#starts[this.count] = start;
    this.#ends[this.count] = end;
    this.count++;
  }

  /** Whether `chunk` holds strings of this table (and so must stay untouched). */
  holds(chunk: Uint8Array): boolean {
    return chunk === this.#lastChunk;
  }

  addDecoded(value: string): void {
    if (this.count === this.#chunkIds.length) this.#grow();
    this.#chunkIds[this.count] = DECODED;
    this.#decoded.set(this.count, value);
    this.count++;
  }

  get(index: number): string {
    if (!(index >= 0 && index < this.count)) {
      throw new RangeError(`string index ${index} is out of range (${this.count})`);
    }
    const cache = this.#cache ?? this.#createCache();
    const cached = cache[index];
    if (cached !== undefined) return cached;
    const chunkId = this.#chunkIds[index]!;
    const value =
      chunkId === DECODED
        ? this.#decoded.get(index)!
        : this.#chunks[chunkId]!.toString('utf8', this.#starts[index], this.#ends[index]);
    cache[index] = value;
    return value;
  }

  /** Drops the growth slack once streaming is over. */
  finish(): this {
    this.#chunkIds = this.#chunkIds.slice(0, this.count);
    this.#starts = this.#starts.slice(0, this.count);
    this.#ends = this.#ends.slice(0, this.count);
    return this;
  }

  #createCache(): (string | undefined)[] {
    this.#cache = new Array(this.count);
    return this.#cache;
  }

  #grow(): void {
    const size = this.#chunkIds.length * 2;
    const grow = (array: Uint32Array) => {
      const larger = new Uint32Array(size);
      larger.set(array);
      return larger;
    };
    this.#chunkIds = grow(this.#chunkIds);
    this.#starts = grow(this.#starts);
    this.#ends = grow(this.#ends);
  }
}
