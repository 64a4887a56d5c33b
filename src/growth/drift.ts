// What drifts without a leak, and the floors that follow from it. Counts and sizes of the
// program's own data after a forced GC are exact: any steady rise is real. V8's code,
// feedback, shapes and internal lists change as the JIT warms up, and retained sizes include
// that code; only there do floors apply, set from drift measured in programs that do not leak.

import type { MetricName } from './sample-store.js';
import { METRIC_KINDS } from './series.js';
import { ROOT_KEY, type StructureKeys } from './structure-keys.js';
import type { MetricKind } from './verdict.js';

/** Whether a series is exact program data or may drift with the runtime. */
export type Exactness = 'exact' | 'drift';

/**
 * Classes of the program's data that V8 writes with a type name: values, arrays and
 * functions the program made. Every other `(…)` name (`(compiled code)`, `(system)`,
 * `(object shape)`, `(code deopt data)`…) is the runtime's.
 */
const PROGRAM_TYPE_NAMES = new Set([
  '(string)',
  '(concatenated string)',
  '(sliced string)',
  '(number)',
  '(heap number)',
  '(closure)',
  '(regexp)',
  '(symbol)',
  '(bigint)',
]);
/** V8 internals that hold program data: a function's scope variables, a context's globals. */
const PROGRAM_SYSTEM_CLASSES = new Set(['system / Context', 'system / NativeContext']);
/** Internal arrays: program data under a program object (a Map's table), runtime lists elsewhere. */
const NEUTRAL_CLASSES = new Set(['(array)']);
const GC_ROOTS = '(GC roots)';

/** True for classes that drift with the JIT and the runtime's internal lists. */
export function isRuntimeClass(className: string): boolean {
  if (PROGRAM_SYSTEM_CLASSES.has(className) || NEUTRAL_CLASSES.has(className)) return false;
  if (className.startsWith('system / ')) return true;
  if (className.startsWith('(')) return !PROGRAM_TYPE_NAMES.has(className);
  return false;
}

/**
 * A class total is exact when the class is the program's: constructors (`LeakySession`,
 * `Object`, `Array`, `Map`) and program values. `(array)` totals mix in V8's own arrays.
 */
export function classExactness(className: string): Exactness {
  return isRuntimeClass(className) || NEUTRAL_CLASSES.has(className) ? 'drift' : 'exact';
}

/**
 * A structure is exact when its path from the roots runs through program data only: it starts
 * at a global (not V8's internal roots) and passes no code, feedback or shape. Cached per key,
 * since keys never change and a key's parent is classified before it.
 */
export class KeyExactness {
  readonly #keys: StructureKeys;
  #drifts = new Uint8Array(1024);
  #classified = ROOT_KEY + 1;

  constructor(keys: StructureKeys) {
    this.#keys = keys;
  }

  of(key: number): Exactness {
    this.#classifyUpTo(key);
    return this.#drifts[key] === 1 ? 'drift' : 'exact';
  }

  #classifyUpTo(key: number): void {
    if (key < this.#classified) return;
    if (key >= this.#drifts.length) {
      const grown = new Uint8Array(Math.max(key + 1, this.#drifts.length * 2));
      grown.set(this.#drifts);
      this.#drifts = grown;
    }
    for (let current = this.#classified; current <= key; current++) {
      const parent = this.#keys.parentOf(current);
      const className = this.#keys.segment(current).className;
      const drifts =
        (parent === ROOT_KEY ? className === GC_ROOTS : this.#drifts[parent] === 1) ||
        isRuntimeClass(className);
      this.#drifts[current] = drifts ? 1 : 0;
    }
    this.#classified = key + 1;
  }
}

/** The floors of one series: what it must grow by to count, and what could matter at all. */
export interface SeriesFloors {
  /** Growth over the run needed to call a significant trend growing. */
  absoluteFloor: number;
  /** Share of the structure's peak the growth must reach as well. */
  relativeFloor: number;
  /** An undecided series whose growth could not reach this even at its upper bound is stable. */
  materialFloor: number;
  /** Distinct rises (steps) a significant trend must make after warm-up to be a steady rise. */
  minimumRises: number;
}

/**
 * Exact series: a steady rise of any size is a leak, but it must be a rise: at least this many
 * objects or entries, in at least `EXACT_MINIMUM_RISES` steps, so that a pool or a keep-alive
 * agent filling its few sockets is not one.
 */
export const EXACT_GROWTH_FLOOR: Record<MetricKind, number> = { bytes: 256, count: 8 };
export const EXACT_MINIMUM_RISES = 4;
/**
 * What could matter: an undecided series (no significant trend, or one that slowed down) is
 * stable when even its upper bound stays below this over the run. The floors the verdicts used
 * before sensitivity followed the evidence: a fixed runtime's retained_maps high-water mark
 * (1–6 KB), a stray feedback vector or code object.
 */
export const MATERIAL_GROWTH_FLOOR: Record<MetricKind, number> = { bytes: 8192, count: 32 };
/**
 * Drift of runtime structures, measured in programs that do not leak (bench/verdicts, Node
 * 20.20.2, a loaded 2-core machine): an HTTP server with a keep-alive client on loopback grew
 * `NativeContext > retained_maps` by 106 live entries in 38 s of warm-up (its self size by a
 * few KB, as fixed runtimes' 1–6 KB high-water marks), and structures under compiled code
 * wobbled by up to 10 KiB. A floor of about twice that, and the 5 % of a structure's size that
 * whole-heap drift reaches. Warm-up drift is an amount (the JIT compiles hot code once), not a
 * rate, so the floors are amounts over the run: the rate a run can see falls with its length.
 */
export const DRIFT_GROWTH_FLOOR: Record<MetricKind, number> = { bytes: 16 * 1024, count: 256 };
export const DRIFT_RELATIVE_FLOOR = 0.05;
/**
 * Class totals of runtime classes sum the drift of the whole heap: the same server's
 * `(compiled code)` total grew by 293 KiB, 15 % of it, in 38 s. Floors of about twice that.
 */
export const DRIFT_CLASS_GROWTH_FLOOR: Record<MetricKind, number> = { bytes: 512 * 1024, count: 1024 };
export const DRIFT_CLASS_RELATIVE_FLOOR = 0.25;
/**
 * A retained size sums everything below a structure, code included, so it wobbles as methods
 * are optimized and dropped: `Duplex.prototype` under the same server's sockets went between
 * 27 and 59 KiB with no trend. Whatever below it grows is tested on its own exact measures;
 * an undecided retained size alone matters only from this much.
 */
export const RETAINED_MATERIAL_FLOOR = 256 * 1024;
/**
 * For the same reason a retained size must grow by this much to count on its own: a
 * `ClientRequest` closure's context under a loopback server on a loaded machine went from 6 to
 * 39 KiB with its code. A leak below it still grows by its contents' exact measures.
 */
export const RETAINED_GROWTH_FLOOR = 128 * 1024;
export const EXACT_RELATIVE_FLOOR = 0;

/**
 * Floors of one series. Retained sizes include the code of the functions they hold, so they
 * drift even for program data. `scope` says whether the series is one structure or a whole class.
 */
export function floorsFor(
  exactness: Exactness,
  metric: MetricName,
  scope: 'structure' | 'class',
): SeriesFloors {
  const kind = METRIC_KINDS[metric];
  if (exactness === 'exact' && metric !== 'retainedSize') {
    return {
      absoluteFloor: EXACT_GROWTH_FLOOR[kind],
      relativeFloor: EXACT_RELATIVE_FLOOR,
      materialFloor: MATERIAL_GROWTH_FLOOR[kind],
      minimumRises: EXACT_MINIMUM_RISES,
    };
  }
  const floor = (scope === 'class' ? DRIFT_CLASS_GROWTH_FLOOR : DRIFT_GROWTH_FLOOR)[kind];
  const relativeFloor = scope === 'class' ? DRIFT_CLASS_RELATIVE_FLOOR : DRIFT_RELATIVE_FLOOR;
  if (metric === 'retainedSize' && scope === 'structure') {
    return {
      absoluteFloor: RETAINED_GROWTH_FLOOR,
      relativeFloor,
      materialFloor: RETAINED_MATERIAL_FLOOR,
      minimumRises: 0,
    };
  }
  return { absoluteFloor: floor, relativeFloor, materialFloor: floor, minimumRises: 0 };
}
