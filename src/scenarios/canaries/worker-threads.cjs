'use strict';
// Runtime canary: worker_threads started and ended. Each iteration starts workers that answer
// one message and exit, and one that is terminated while it waits; every Worker object,
// MessagePort and the main thread's bookkeeping for it must go when the worker has exited.
// Plain JS, Node 20–26; each worker is small (resource limits) and at most 2 run at a time.

const { Worker } = require('node:worker_threads');

const parameters = {
  /** Workers per iteration that reply and exit. */
  exitingWorkers: 1,
  /** Workers per iteration terminated from the main thread. */
  terminatedWorkers: 1,
};

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.once('message', (value) => {
  parentPort.postMessage(value + workerData.offset);
  if (!workerData.stay) parentPort.close();
});
`;
const limits = { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 };

let sink = 0;

function runWorker(n, stay) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { offset: n, stay },
      resourceLimits: limits,
    });
    worker.once('message', (value) => {
      sink ^= value;
      if (stay) worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', () => resolve(n));
    worker.postMessage(n);
  });
}

async function iteration(i) {
  const workers = [];
  for (let n = 0; n < parameters.exitingWorkers; n++) workers.push(runWorker(i + n, false));
  for (let n = 0; n < parameters.terminatedWorkers; n++) workers.push(runWorker(i + n, true));
  for (const value of await Promise.all(workers)) sink ^= value;
}

module.exports = {
  meta: { description: 'worker_threads started, answering one message, then exiting or terminated.' },
  parameters,
  iteration,
  result: () => sink,
};
