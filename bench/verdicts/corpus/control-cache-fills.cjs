'use strict';
// Negative control, a bounded cache filling up: an LRU of CachedPage objects capped at 1,000
// entries gets 4 new keys per call, so it fills over the first 250 calls (inside the default
// run's first snapshots) and then only replaces entries.

const capacity = 1000;

class CachedPage {
  constructor(key) {
    this.key = key;
    this.body = `page ${key}`;
  }
}

const cache = new Map();
let nextKey = 0;
let sink = 0;

function iteration() {
  for (let n = 0; n < 4; n++) {
    const key = `p${nextKey++}`;
    cache.set(key, new CachedPage(key));
    if (cache.size > capacity) cache.delete(cache.keys().next().value);
  }
  sink ^= cache.size;
}

module.exports = { iteration, result: () => sink };
