// Soak test (minutes; `npm run test:soak`, not `npm test`): the false alarm over repeated runs
// and the way back. Round after round, the example service without its leak on Node 20 and
// Node 24 must never raise `leak-suspected` while judged for five minimum spans; and a service
// whose leak is turned off after it was flagged must raise `leak-cleared` within a bound.
//
// Bounds come from the rule (see monitor-service.test.ts): warm-up 20 s, minimum span 30
// intervals of 250 ms, three confirmations.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  driveLoad,
  fetchJson,
  type RunningService,
  startService,
  TEST_NODE_ARGS,
} from '../../test/helpers/monitor-service.js';
import { nodeBinary } from '../../test/helpers/node-binaries.js';

const INTERVAL_MS = 250;
const WARMUP_MS = 20_000;
const JUDGED_MS = 5 * 30 * INTERVAL_MS;
const ROUNDS = Number(process.env.HEAPDRIFT_SOAK_ROUNDS ?? 3);
/** A bound for a verdict to come and for it to go; generous for a busy shared machine. */
const VERDICT_BOUND_MS = 300_000;
const VERSIONS = ['system', '24.21.0'];

const monitorEnvironment = {
  HEAPDRIFT_MONITOR_INTERVAL_MS: String(INTERVAL_MS),
  HEAPDRIFT_MONITOR_WARMUP_MS: String(WARMUP_MS),
};

interface Status {
  monitor: { suspected: boolean; verdict: string; rule: string; evaluations: number };
}

describe('monitor false alarms over repeated runs', {
  timeout: ROUNDS * (WARMUP_MS + JUDGED_MS + 60_000),
}, () => {
  for (let round = 1; round <= ROUNDS; round++) {
    it(`round ${round}: no leak-suspected without the leak, on Node 20 and 24`, async () => {
      const services = await Promise.all(
        VERSIONS.map((version) =>
          startService(nodeBinary(version), { ...monitorEnvironment, LEAK: '0' }, TEST_NODE_ARGS),
        ),
      );
      const loads = services.map((service) =>
        driveLoad(service.url('/work'), WARMUP_MS + JUDGED_MS + 30_000),
      );
      try {
        await new Promise((resolve) => setTimeout(resolve, WARMUP_MS + JUDGED_MS));
        for (const service of services) {
          const raised = service.events.filter((event) => event.event === 'leak-suspected');
          assert.deepEqual(raised, [], `pid ${service.child.pid}: ${JSON.stringify(raised)}`);
          const status = await fetchJson<Status>(service.url('/status'));
          assert.equal(status.monitor.suspected, false);
          assert.ok(
            !['warm-up', 'enough-samples', 'enough-time'].includes(status.monitor.rule),
            `judging, decided by ${status.monitor.rule} after ${status.monitor.evaluations} evaluations`,
          );
        }
      } finally {
        for (const load of loads) load.stop();
        await Promise.all(services.map((service) => service.stop()));
      }
    });
  }
});

describe('monitor leak turned off', { timeout: 2 * VERDICT_BOUND_MS + 60_000 }, () => {
  let service: RunningService | undefined;
  let load: ReturnType<typeof driveLoad> | undefined;

  after(async () => {
    load?.stop();
    await service?.stop();
  });

  it('raises leak-cleared once the leak stops and the heap holds level', async () => {
    service = await startService(
      process.execPath,
      { ...monitorEnvironment, LEAK: '1', LEAK_ENTRIES: '1000' },
      TEST_NODE_ARGS,
    );
    load = driveLoad(service.url('/work'), 2 * VERDICT_BOUND_MS);
    const suspected = await service.waitFor('leak-suspected', VERDICT_BOUND_MS);
    const response = await fetch(service.url('/leak?on=0'), { method: 'POST' });
    assert.deepEqual(await response.json(), { leaking: false });
    const cleared = await service.waitFor('leak-cleared', VERDICT_BOUND_MS);
    assert.notEqual(cleared.verdict, 'growing');
    assert.ok(Date.parse(cleared.at as string) > Date.parse(suspected.at as string));
  });
});
