// Where the child-side agent files are: plain .cjs files under src/run/agent, copied
// unchanged next to the compiled code (dist/src/run/agent) by scripts/copy-assets.mjs.

import { fileURLToPath } from 'node:url';

const agentDirectory = new URL('../run/agent/', import.meta.url);

/** Preloaded with --require into every child. */
export const agentPreloadFile = fileURLToPath(new URL('agent.cjs', agentDirectory));

/** Main module of iteration scenarios (loads the user's module and loops). */
export const scenarioRunnerFile = fileURLToPath(new URL('scenario-runner.cjs', agentDirectory));
