// The snapshot's string table. Strings are kept as the UTF-8 bytes of the chunks they came
// in and decoded only when asked for: most are never read, and the table as a whole may be
// far larger than V8's maximum string length, so it is never one string.

export interface StringTable {
  readonly count: number;
  /** The string at `index`; throws RangeError when out of range. */
  get(index: number): string;
}

/** A table over strings that are already decoded (tests, small inputs). */
export class ArrayStringTable implements StringTable {
  readonly #strings: readonly string[];
  constructor(strings: readonly string[]) {
    this.#strings = strings;
  }
  get count(): number {
    return this.#strings.length;
  }
  get(index: number): string {
    const value = this.#strings[index];
    if (value === undefined) throw new RangeError(`string index ${index} is out of range (${this.count})`);
    return value;
  }
}
