// The measurements of every structure across the snapshots of a run, stored as changes: most
// of a heap (builtins, loaded modules) is the same from one snapshot to the next, and a heap
// has about as many path keys as nodes, so full copies per snapshot would not fit long runs.

import type { StructureMeasurements } from './structures.js';

export const METRICS = ['selfSize', 'edgeCount', 'retainedSize', 'count'] as const;
/** What is measured per structure: self size, live entries (edges), retained size, object count. */
export type MetricName = (typeof METRICS)[number];

export interface StoredSample {
  snapshotIndex: number;
  x: number;
  elapsedMs: number;
  /** Keys whose value of some metric changed since the previous sample. */
  changedKeys: Int32Array;
  /** New values of the changed keys, per metric, in `changedKeys` order. */
  values: Record<MetricName, Float64Array>;
}

/** Full values of every key at one point of the replay. */
export type MetricArrays = Record<MetricName, Float64Array>;

export class SampleStore {
  readonly samples: StoredSample[] = [];
  #current: MetricArrays = emptyArrays(0);
  #hasRetainedSizes = true;

  /** True while every sample carried retained sizes. */
  get hasRetainedSizes(): boolean {
    return this.#hasRetainedSizes && this.samples.length > 0;
  }

  /** Number of keys any sample has values for. */
  get keyCount(): number {
    return this.#current.selfSize.length;
  }

  add(snapshotIndex: number, x: number, elapsedMs: number, measurements: StructureMeasurements): void {
    if (!measurements.retainedSize) this.#hasRetainedSizes = false;
    const keyCount = Math.max(this.keyCount, measurements.keyCount);
    this.#current = growArrays(this.#current, keyCount);
    const changed: number[] = [];
    const incoming: MetricArrays = {
      selfSize: measurements.selfSize,
      edgeCount: measurements.edgeCount,
      retainedSize: measurements.retainedSize ?? new Float64Array(0),
      count: measurements.count,
    };
    for (let key = 0; key < keyCount; key++) {
      for (const metric of METRICS) {
        const value = incoming[metric][key] ?? 0;
        if (value !== this.#current[metric][key]) {
          changed.push(key);
          break;
        }
      }
    }
    const values = emptyArrays(changed.length);
    changed.forEach((key, position) => {
      for (const metric of METRICS) {
        const value = incoming[metric][key] ?? 0;
        values[metric][position] = value;
        this.#current[metric][key] = value;
      }
    });
    this.samples.push({ snapshotIndex, x, elapsedMs, changedKeys: Int32Array.from(changed), values });
  }

  /**
   * Replays the changes from the first sample; `visit` sees the full values after each sample
   * (the same arrays, updated in place: copy what must outlive the call).
   */
  replay(visit: (sampleIndex: number, state: MetricArrays) => void): void {
    const state = emptyArrays(this.keyCount);
    this.samples.forEach((sample, sampleIndex) => {
      const { changedKeys, values } = sample;
      for (let position = 0; position < changedKeys.length; position++) {
        const key = changedKeys[position]!;
        for (const metric of METRICS) state[metric][key] = values[metric][position]!;
      }
      visit(sampleIndex, state);
    });
  }

  /**
   * The series of `keys` for every metric: `result[metric][i][sample]` for `keys[i]`. Each
   * value is found in its sample's changes (ascending keys) by binary search, so a judgement
   * that asks for a few keys at a time allocates no arrays as wide as the heap's keys.
   */
  seriesOf(keys: readonly number[]): Record<MetricName, number[][]> {
    const result = Object.fromEntries(
      METRICS.map((metric) => [metric, keys.map(() => new Array<number>(this.samples.length))]),
    ) as Record<MetricName, number[][]>;
    keys.forEach((key, i) => {
      const values: Record<MetricName, number> = { selfSize: 0, edgeCount: 0, retainedSize: 0, count: 0 };
      this.samples.forEach((sample, sampleIndex) => {
        const position = searchSorted(sample.changedKeys, key);
        for (const metric of METRICS) {
          if (position >= 0) values[metric] = sample.values[metric][position]!;
          result[metric][i]![sampleIndex] = values[metric];
        }
      });
    });
    return result;
  }
}

/** The position of `value` in ascending `sorted`, or -1. */
export function searchSorted(sorted: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = sorted[middle]!;
    if (found === value) return middle;
    if (found < value) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

function emptyArrays(length: number): MetricArrays {
  return {
    selfSize: new Float64Array(length),
    edgeCount: new Float64Array(length),
    retainedSize: new Float64Array(length),
    count: new Float64Array(length),
  };
}

function growArrays(arrays: MetricArrays, length: number): MetricArrays {
  if (arrays.selfSize.length >= length) return arrays;
  const grown = emptyArrays(length);
  for (const metric of METRICS) grown[metric].set(arrays[metric]);
  return grown;
}
