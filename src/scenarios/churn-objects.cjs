'use strict';
// Negative control: allocates and drops many short-lived objects, closures, strings, arrays
// and Maps every iteration and keeps nothing. Must come out stable on every Node.js version.
// Plain JavaScript that runs unchanged on Node.js 20–26.

const parameters = {
  /** Records built (and dropped) per iteration. */
  records: 2000,
  /** Entries of the short-lived Map built per iteration. */
  mapEntries: 500,
};

class ChurnRecord {
  constructor(id, label, score) {
    this.id = id;
    this.label = label;
    this.score = score;
    this.tags = [label.length, score & 7];
  }
}

let sink = 0;

function buildRecords(i) {
  const records = [];
  for (let n = 0; n < parameters.records; n++) {
    records.push(new ChurnRecord(n, `record-${i}-${n}`, (n * 2654435761) >>> 0));
  }
  return records;
}

function buildClosures(records) {
  // Closures over each record: real context allocations, all dropped with the array.
  return records.map((record) => () => record.score ^ record.id);
}

function buildMap(i) {
  const byKey = new Map();
  for (let n = 0; n < parameters.mapEntries; n++) byKey.set(`key-${i}-${n}`, { n, half: n >> 1 });
  return byKey;
}

function iteration(i) {
  const records = buildRecords(i);
  const closures = buildClosures(records);
  const byKey = buildMap(i);
  const text = records
    .slice(0, 200)
    .map((record) => record.label)
    .join(',');
  let total = text.length + byKey.size;
  for (const closure of closures) total = (total + closure()) | 0;
  sink ^= total;
}

module.exports = {
  meta: {
    description:
      'Negative control: thousands of objects, closures, strings and a Map per iteration, all dropped. Stable on every Node.js version.',
  },
  parameters,
  iteration,
  /** Folded results of the iterations, so no work can be optimized away. */
  result: () => sink,
};
