// The leak tests' own cases, shared by the sensitivity tests and the flake benchmark: four
// leaks every leak test must catch (one or more objects retained per call) and four clean
// functions it must pass. Each case is made fresh and cleaned up after, so cases run in any
// order in one process and the process can exit (a timer never cleared would keep it alive).

import { EventEmitter } from 'node:events';

export interface LeakCase {
  name: string;
  /** The class the failure message must name, for the leaks. */
  expectedClass?: string;
  /** An edge name the retainer path must pass through (the structure that holds the leak). */
  expectedEdge?: string;
  make(): { fn: () => unknown; cleanup(): void };
}

export const leakingCases: LeakCase[] = [
  {
    name: 'listener never removed',
    expectedClass: '(closure)',
    expectedEdge: 'request',
    make() {
      const emitter = new EventEmitter();
      emitter.setMaxListeners(0);
      return {
        fn: () => emitter.on('request', () => emitter),
        cleanup: () => emitter.removeAllListeners(),
      };
    },
  },
  {
    name: 'closure pushed into a module-level array',
    expectedClass: '(closure)',
    expectedEdge: 'handlers',
    make() {
      return {
        fn: () => {
          const id = handlers.length;
          handlers.push(() => id);
        },
        cleanup: () => {
          handlers.length = 0;
        },
      };
    },
  },
  {
    name: 'Map keyed by a fresh object',
    expectedClass: 'RequestContext',
    expectedEdge: 'table',
    make() {
      const byRequest = new Map<RequestContext, number>();
      return {
        fn: () => byRequest.set(new RequestContext(), byRequest.size),
        cleanup: () => byRequest.clear(),
      };
    },
  },
  {
    name: 'timer never cleared',
    expectedClass: 'Timeout',
    // Node's timer list holds them: a linked list, so the path runs along its links.
    expectedEdge: '_idle(?:Next|Prev)',
    make() {
      // Weak references only, for the clean-up: the leak must be held by Node alone.
      const timers: WeakRef<NodeJS.Timeout>[] = [];
      return {
        fn: () => {
          timers.push(new WeakRef(setInterval(() => undefined, 3_600_000)));
        },
        cleanup: () => {
          for (const timer of timers) clearInterval(timer.deref());
        },
      };
    },
  },
];

export const cleanCases: LeakCase[] = [
  {
    name: 'heavy allocation',
    make: () => ({
      fn: () => {
        const rows = [];
        for (let i = 0; i < 2000; i++) rows.push({ i, label: `row ${i}`, tags: [i, i + 1] });
        return rows.length;
      },
      cleanup: () => undefined,
    }),
  },
  {
    name: 'cache filling to a bound',
    make() {
      const cache = new Map<number, { value: number[] }>();
      let key = 0;
      return {
        fn: () => {
          cache.set(key++, { value: [key] });
          // Least recently inserted out once the bound is reached.
          if (cache.size > 50) cache.delete(cache.keys().next().value!);
        },
        cleanup: () => cache.clear(),
      };
    },
  },
  {
    name: 'lazy initialisation on the first call',
    make() {
      let table: { code: number; name: string }[] | undefined;
      return {
        fn: () => {
          table ??= Array.from({ length: 5000 }, (_, code) => ({ code, name: `code ${code}` }));
          return table[table.length - 1]!.code;
        },
        cleanup: () => {
          table = undefined;
        },
      };
    },
  },
  {
    name: 'JIT warm-up',
    make: () => ({
      // A hot loop (on-stack replacement, then an optimised compile) and fresh object shapes.
      fn: () => {
        let sum = 0;
        for (let i = 0; i < 2000; i++) sum += Math.sqrt(i) * (i % 7);
        return JSON.stringify({ sum, at: sum % 3 }).length;
      },
      cleanup: () => undefined,
    }),
  },
];

const handlers: (() => number)[] = [];

class RequestContext {
  readonly startedAt = Date.now();
}
