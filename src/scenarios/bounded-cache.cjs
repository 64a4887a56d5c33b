'use strict';
// Negative control: an LRU-like cache (a Map in insertion order) capped at a fixed number of
// entries, with constant churn: every iteration inserts new entries and evicts the oldest.
// Its size is bounded, so it must come out stable on every Node.js version. Plain JS, Node 20–26.

const parameters = {
  /** Entries the cache holds at most. */
  capacity: 2000,
  /** Entries inserted (and as many evicted, once full) per iteration. */
  insertsPerIteration: 400,
  /** Lookups of recent keys per iteration (hits refresh an entry's position). */
  lookupsPerIteration: 400,
};

class CacheEntry {
  constructor(key, value) {
    this.key = key;
    this.value = value;
    this.hits = 0;
  }
}

let cache = null;
let nextKey = 0;
let sink = 0;

function setup() {
  cache = new Map();
  nextKey = 0;
  sink = 0;
}

function insert(key, value) {
  cache.set(key, new CacheEntry(key, value));
  if (cache.size > parameters.capacity) {
    // A Map iterates in insertion order: its first key is the least recently used.
    cache.delete(cache.keys().next().value);
  }
}

function lookup(key) {
  const entry = cache.get(key);
  if (entry === undefined) return 0;
  entry.hits++;
  // Re-inserting moves the entry to the young end, as an LRU does on a hit.
  cache.delete(key);
  cache.set(key, entry);
  return entry.value.length;
}

function iteration() {
  if (cache === null) setup();
  for (let n = 0; n < parameters.insertsPerIteration; n++) {
    const key = `k${nextKey++}`;
    insert(key, `value of ${key} `.repeat(4));
  }
  let found = 0;
  for (let n = 0; n < parameters.lookupsPerIteration; n++) {
    found += lookup(`k${nextKey - 1 - ((n * 7) % parameters.capacity)}`);
  }
  sink ^= found + cache.size;
}

function teardown() {
  cache = null;
}

module.exports = {
  meta: {
    description:
      'Negative control: a Map-based LRU cache capped at 2,000 entries with constant churn. Stable on every Node.js version.',
  },
  parameters,
  setup,
  iteration,
  teardown,
  /** Folded results of the iterations, so no work can be optimized away. */
  result: () => sink,
};
