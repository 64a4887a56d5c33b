// A growable byte buffer for the rare pieces that must be gathered before they are decoded:
// strings with escapes or split across chunks, and small JSON values such as the header.

export class ByteBuilder {
  #bytes = new Uint8Array(256);
  length = 0;

  append(source: Uint8Array, start: number, end: number): void {
    const needed = this.length + (end - start);
    if (needed > this.#bytes.length) {
      let size = this.#bytes.length * 2;
      while (size < needed) size *= 2;
      const larger = new Uint8Array(size);
      larger.set(this.#bytes.subarray(0, this.length));
      this.#bytes = larger;
    }
    this.#bytes.set(source.subarray(start, end), this.length);
    this.length = needed;
  }

  toString(): string {
    return Buffer.from(this.#bytes.buffer, this.#bytes.byteOffset, this.length).toString('utf8');
  }

  reset(): void {
    this.length = 0;
    if (this.#bytes.length > 1 << 20) this.#bytes = new Uint8Array(256);
  }
}
