'use strict';
// Runtime canary: streams run to completion and destroyed half-way. Each iteration awaits
// stream.pipeline() over Readable.from() → Transform → Writable, and destroys a few streams
// mid-flight (with and without an error) while finished() watches them. A runtime that keeps
// finished/pipeline listeners, buffered chunks or destroyed streams reachable grows here.
// Plain JS, Node 20–26.

const { Readable, Transform, Writable, finished } = require('node:stream');
const { pipeline } = require('node:stream/promises');

const parameters = {
  /** Complete pipelines per iteration. */
  pipelinesPerIteration: 10,
  /** Streams destroyed before their end, per iteration. */
  destroyedPerIteration: 10,
  /** Chunks each pipeline carries. */
  chunks: 20,
};

let sink = 0;

/** One chunk: an object, so a leaked buffer shows by its class name. */
class StreamChunk {
  constructor(n) {
    this.n = n;
    this.text = `chunk ${n}`;
  }
}

function* chunksOf(count) {
  for (let n = 0; n < count; n++) yield new StreamChunk(n);
}

async function completePipeline() {
  let total = 0;
  await pipeline(
    Readable.from(chunksOf(parameters.chunks)),
    new Transform({
      objectMode: true,
      transform(chunk, _encoding, callback) {
        callback(null, chunk.n * 2);
      },
    }),
    new Writable({
      objectMode: true,
      write(value, _encoding, callback) {
        total += value;
        callback();
      },
    }),
  );
  return total;
}

function destroyedStream(n) {
  return new Promise((resolve) => {
    const readable = Readable.from(chunksOf(parameters.chunks));
    finished(readable, () => resolve(n));
    readable.once('data', () => {
      // Half of them fail, half are just torn down.
      if (n % 2 === 0) readable.destroy(new Error('canary: destroyed'));
      else readable.destroy();
    });
    readable.on('error', () => {});
  });
}

async function iteration() {
  const work = [];
  for (let n = 0; n < parameters.pipelinesPerIteration; n++) work.push(completePipeline());
  for (let n = 0; n < parameters.destroyedPerIteration; n++) work.push(destroyedStream(n));
  for (const value of await Promise.all(work)) sink ^= value;
}

module.exports = {
  meta: { description: 'stream.pipeline over Readable.from, plus streams destroyed mid-flight.' },
  parameters,
  iteration,
  result: () => sink,
};
