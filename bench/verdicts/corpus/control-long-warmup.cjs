'use strict';
// Negative control, a long warm-up: a lookup table of the program's own class is filled lazily
// as new keys come in, quickly at first and ever more slowly (key i*i mod 1,000 reaches every
// residue it will within the first few hundred calls), then never grows again.

class RouteEntry {
  constructor(key) {
    this.key = key;
    this.hits = 0;
  }
}

const routes = new Map();
let sink = 0;

function iteration(i) {
  for (let n = 0; n < 3; n++) {
    const key = (i * i + n * 7) % 1000;
    let entry = routes.get(key);
    if (entry === undefined) {
      entry = new RouteEntry(key);
      routes.set(key, entry);
    }
    entry.hits++;
    sink ^= entry.key;
  }
}

module.exports = { iteration, result: () => sink + routes.size };
