// Exact live-object counts after full GCs, from V8's heap object tracking (the engine of
// DevTools' allocation timeline) over an in-process inspector session: no --expose-gc, no
// network port, every realm and every type of object.
//
// How it works: `HeapProfiler.startTrackingHeapObjects` makes the inspector call V8's
// HeapProfiler::GetHeapStats every 50 ms (a timer on the event loop). Each call runs a precise
// full GC, gives every new object an id, opens a new time interval and reports, per interval,
// how many of the objects first seen in it are still alive and their size
// (`heapStatsUpdate`), then the newest id (`lastSeenObjectId`). The sum over the intervals is
// the exact live object count; intervals after the first hold objects allocated since then.

import { Session } from 'node:inspector';
import { clearTimeout, setTimeout } from 'node:timers';

/** The live heap as of one tick, exact after its full GC. */
export interface TrackedTotals {
  /** Every live object, and their total self size. */
  count: number;
  bytes: number;
  /** Highest object id given out so far: objects with larger ids were allocated later. */
  lastSeenObjectId: number;
}

/** The longest wait for a tick before tracking is declared stuck (the timer runs every 50 ms). */
const TICK_TIMEOUT_MS = 30_000;

export class HeapTracker {
  readonly #session = new Session();
  /**
   * Live count and size per interval; interval 0 holds everything that existed at the start.
   * Plain number arrays, so that the bookkeeping keeps no object per tick alive itself.
   */
  readonly #counts: number[] = [];
  readonly #sizes: number[] = [];
  #lastSeenObjectId = 0;
  #waiters: ((totals: TrackedTotals) => void)[] = [];

  /** Connects, starts tracking and waits for the first tick. */
  async start(): Promise<TrackedTotals> {
    this.#session.connect();
    this.#session.on('HeapProfiler.heapStatsUpdate', ({ params }) => this.#onStats(params.statsUpdate));
    this.#session.on('HeapProfiler.lastSeenObjectId', ({ params }) => this.#onTick(params.lastSeenObjectId));
    await this.#post('HeapProfiler.enable');
    const first = this.nextTick();
    await this.#post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: false });
    return first;
  }

  /** Resolves at the next tick (after its full GC) with the live heap's totals. */
  nextTick(): Promise<TrackedTotals> {
    // A plain timer for the guard: the tick's own listeners are all this needs, and anything
    // more (an AbortController, promise combinators) is code V8 keeps compiling anew per tick.
    return new Promise<TrackedTotals>((resolve, reject) => {
      const guard = setTimeout(() => {
        reject(new Error(`heap object tracking sent no update in ${TICK_TIMEOUT_MS / 1000} s`));
      }, TICK_TIMEOUT_MS);
      guard.unref();
      this.#waiters.push((totals) => {
        clearTimeout(guard);
        resolve(totals);
      });
    });
  }

  /** The heap snapshot, in chunks, of the same object ids (tracking keeps them consistent). */
  async takeSnapshot(onChunk: (chunk: string) => void): Promise<void> {
    const listener = ({ params }: { params: { chunk: string } }) => onChunk(params.chunk);
    this.#session.on('HeapProfiler.addHeapSnapshotChunk', listener);
    try {
      await this.#post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    } finally {
      this.#session.off('HeapProfiler.addHeapSnapshotChunk', listener);
    }
  }

  /** Stops tracking and disconnects; safe to call more than once. */
  async stop(): Promise<void> {
    try {
      // Not stopTrackingHeapObjects: it ends with a heap snapshot (DevTools' timeline does).
      // disable stops tracking and clears the ids without one.
      await this.#post('HeapProfiler.disable');
    } catch {
      // Already stopped or disconnected.
    } finally {
      this.#waiters = [];
      this.#session.disconnect();
    }
  }

  #onStats(update: number[]): void {
    // Triples of [interval index, live count, live size], only for intervals that changed.
    for (let i = 0; i + 2 < update.length; i += 3) {
      const interval = update[i]!;
      while (this.#counts.length <= interval) {
        this.#counts.push(0);
        this.#sizes.push(0);
      }
      this.#counts[interval] = update[i + 1]!;
      this.#sizes[interval] = update[i + 2]!;
    }
  }

  #onTick(lastSeenObjectId: number): void {
    this.#lastSeenObjectId = lastSeenObjectId;
    const waiters = this.#waiters;
    this.#waiters = [];
    if (waiters.length === 0) return;
    const totals = this.#totals();
    for (const resolve of waiters) resolve(totals);
  }

  #totals(): TrackedTotals {
    let count = 0;
    let bytes = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      count += this.#counts[i]!;
      bytes += this.#sizes[i]!;
    }
    return { count, bytes, lastSeenObjectId: this.#lastSeenObjectId };
  }

  #post(method: string, params: object = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)));
    });
  }
}
