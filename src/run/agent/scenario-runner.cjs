'use strict';
// Main module of an iteration scenario: loads the user's module (setup / iteration /
// teardown), calls iteration(i) until the agent says stop, counts iterations for the agent and
// takes the every-K-iterations snapshots itself, between iterations, for exact counts. A
// synchronous iteration() keeps the loop synchronous. Plain CommonJS, unchanged on Node 20–26.

const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const agent = require('./agent.cjs');

main().catch((error) => {
  // As an uncaught error would end it: the error on stderr, exit code 1.
  console.error(error);
  process.exit(1);
});

async function main() {
  if (!agent.installed) throw new Error('scenario-runner.cjs must run with the heapdrift agent preloaded');
  const file = path.resolve(agent.config.scenario);
  const scenario = pickScenario(await loadModule(file), file);
  if (scenario.setup) await scenario.setup();
  agent.start();
  const iterations = await runIterations(scenario.iteration, agent.config.everyIterations || 0);
  if (scenario.teardown) await scenario.teardown();
  agent.finish(iterations);
  // Leaked handles are what scenarios are about: do not wait for them.
  process.exit(0);
}

async function runIterations(iteration, everyIterations) {
  const state = agent.state;
  let nextSnapshotAt = everyIterations > 0 ? everyIterations : -1;
  let done = 0;
  while (!state.stopRequested) {
    const result = iteration(done);
    if (result !== null && typeof result === 'object' && typeof result.then === 'function') await result;
    done++;
    state.iteration = done;
    if (done === nextSnapshotAt) {
      agent.snapshot('iterations');
      nextSnapshotAt += everyIterations;
    }
  }
  return done;
}

function pickScenario(module, file) {
  const candidates = [module, module?.default];
  for (const candidate of candidates) {
    if (candidate && typeof candidate.iteration === 'function') {
      return {
        setup: functionOrNull(candidate.setup),
        iteration: candidate.iteration,
        teardown: functionOrNull(candidate.teardown),
      };
    }
  }
  throw new Error(`${file} exports no iteration(i) function`);
}

function functionOrNull(value) {
  return typeof value === 'function' ? value : null;
}

/** CommonJS by require, ES modules (and anything else) by dynamic import. */
async function loadModule(file) {
  if (isCommonJs(file)) return require(file);
  return import(pathToFileURL(file).href);
}

function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  return nearestPackageType(path.dirname(file)) !== 'module';
}

function nearestPackageType(directory) {
  for (let current = directory; ; current = path.dirname(current)) {
    const manifest = path.join(current, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, 'utf8')).type || 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    if (path.dirname(current) === current) return 'commonjs';
  }
}
