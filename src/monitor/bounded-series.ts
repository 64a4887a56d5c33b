// A time series of bounded memory for hours-long windows: the latest points kept as they are
// (a fixed window), older ones folded into a down-sampled history whose buckets double in
// width whenever it fills, and anything older than the horizon dropped. Typed arrays: the
// monitor's own footprint stays a few KB whatever the uptime.

export interface SeriesPoints {
  /** Milliseconds since the monitor started, increasing (irregular spacing). */
  t: number[];
  y: number[];
}

export interface BoundedSeriesOptions {
  /** Latest points kept unchanged. */
  windowSize: number;
  /** Most down-sampled points kept before adjacent ones are merged. */
  historySize: number;
  /** Points older than this (ms before the newest) are dropped. */
  horizonMs: number;
}

export class BoundedSeries {
  readonly #options: BoundedSeriesOptions;
  // The window is a ring buffer.
  readonly #windowT: Float64Array;
  readonly #windowY: Float64Array;
  #windowStart = 0;
  #windowCount = 0;
  // History points are weighted means of the points they stand for.
  readonly #historyT: Float64Array;
  readonly #historyY: Float64Array;
  readonly #historyWeight: Float64Array;
  #historyCount = 0;
  /** Points per history bucket; doubles at each compaction so buckets stay comparable. */
  #bucketWidth = 1;
  #pending = { t: 0, y: 0, weight: 0 };

  constructor(options: BoundedSeriesOptions) {
    if (options.windowSize < 2 || options.historySize < 2)
      throw new RangeError('window and history need room for at least two points');
    this.#options = options;
    this.#windowT = new Float64Array(options.windowSize);
    this.#windowY = new Float64Array(options.windowSize);
    this.#historyT = new Float64Array(options.historySize);
    this.#historyY = new Float64Array(options.historySize);
    this.#historyWeight = new Float64Array(options.historySize);
  }

  get length(): number {
    return this.#historyCount + this.#windowCount;
  }

  /** Bytes held by the series' arrays (the monitor states its own memory). */
  get footprintBytes(): number {
    return (this.#windowT.length * 2 + this.#historyT.length * 3) * Float64Array.BYTES_PER_ELEMENT;
  }

  add(t: number, y: number): void {
    const last = this.#newestT();
    if (last !== undefined && !(t > last)) return; // Same instant: keep the first reading.
    if (this.#windowCount === this.#options.windowSize) {
      const oldest = this.#windowStart;
      this.#fold(this.#windowT[oldest]!, this.#windowY[oldest]!);
      this.#windowStart = (this.#windowStart + 1) % this.#options.windowSize;
      this.#windowCount--;
    }
    const slot = (this.#windowStart + this.#windowCount) % this.#options.windowSize;
    this.#windowT[slot] = t;
    this.#windowY[slot] = y;
    this.#windowCount++;
    this.#dropBefore(t - this.#options.horizonMs);
  }

  clear(): void {
    this.#windowCount = 0;
    this.#historyCount = 0;
    this.#bucketWidth = 1;
    this.#pending = { t: 0, y: 0, weight: 0 };
  }

  /** History then window, oldest first. */
  points(): SeriesPoints {
    const t: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < this.#historyCount; i++) {
      t.push(this.#historyT[i]!);
      y.push(this.#historyY[i]!);
    }
    if (this.#pending.weight > 0) {
      t.push(this.#pending.t / this.#pending.weight);
      y.push(this.#pending.y / this.#pending.weight);
    }
    for (let i = 0; i < this.#windowCount; i++) {
      const slot = (this.#windowStart + i) % this.#options.windowSize;
      t.push(this.#windowT[slot]!);
      y.push(this.#windowY[slot]!);
    }
    return { t, y };
  }

  #newestT(): number | undefined {
    if (this.#windowCount === 0) return undefined;
    return this.#windowT[(this.#windowStart + this.#windowCount - 1) % this.#options.windowSize];
  }

  /** A point leaving the window joins the pending bucket; a full bucket becomes a history point. */
  #fold(t: number, y: number): void {
    const pending = this.#pending;
    pending.t += t;
    pending.y += y;
    pending.weight++;
    if (pending.weight < this.#bucketWidth) return;
    if (this.#historyCount === this.#options.historySize) this.#compactHistory();
    const index = this.#historyCount++;
    this.#historyT[index] = pending.t / pending.weight;
    this.#historyY[index] = pending.y / pending.weight;
    this.#historyWeight[index] = pending.weight;
    this.#pending = { t: 0, y: 0, weight: 0 };
  }

  /** Merges adjacent history points pairwise (weighted means) and doubles the bucket width. */
  #compactHistory(): void {
    let merged = 0;
    for (let i = 0; i < this.#historyCount; i += 2) {
      const w1 = this.#historyWeight[i]!;
      const w2 = i + 1 < this.#historyCount ? this.#historyWeight[i + 1]! : 0;
      const weight = w1 + w2;
      const t2 = w2 > 0 ? this.#historyT[i + 1]! : 0;
      const y2 = w2 > 0 ? this.#historyY[i + 1]! : 0;
      this.#historyT[merged] = (this.#historyT[i]! * w1 + t2 * w2) / weight;
      this.#historyY[merged] = (this.#historyY[i]! * w1 + y2 * w2) / weight;
      this.#historyWeight[merged] = weight;
      merged++;
    }
    this.#historyCount = merged;
    this.#bucketWidth *= 2;
  }

  #dropBefore(cutoff: number): void {
    let drop = 0;
    while (drop < this.#historyCount && this.#historyT[drop]! < cutoff) drop++;
    if (drop > 0) {
      this.#historyT.copyWithin(0, drop, this.#historyCount);
      this.#historyY.copyWithin(0, drop, this.#historyCount);
      this.#historyWeight.copyWithin(0, drop, this.#historyCount);
      this.#historyCount -= drop;
    }
    while (this.#windowCount > 2 && this.#windowT[this.#windowStart]! < cutoff) {
      this.#windowStart = (this.#windowStart + 1) % this.#options.windowSize;
      this.#windowCount--;
    }
  }
}
