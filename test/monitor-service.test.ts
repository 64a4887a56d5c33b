// The in-process monitor in real services: the example HTTP service (a real child process,
// driven over loopback by a real load generator) under Node 20 and Node 24, one leaking and
// two not, all at once. The leaking one must be flagged within a bounded time, the others
// never; the Prometheus endpoint is scraped and parsed with a real parser.
//
// Bounds come from the rule, not from this program: the rule needs warm-up + the minimum span
// + confirmations, and readings after at least three major GCs; the leak adds 1,000 array
// slots per request (8 KB: ≥ 0.8 MB/s at 100 req/s), far above the 2 MiB growth floor
// between major GCs. The warm-up (20 s) covers the service's start-up (code being compiled,
// pools sized; its response cache is filled before it listens).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import {
  driveLoad,
  fetchJson,
  type RunningService,
  startService,
  TEST_NODE_ARGS,
} from './helpers/monitor-service.js';
import { nodeBinary } from './helpers/node-binaries.js';

const INTERVAL_MS = 250;
const WARMUP_MS = 20_000;
/** The default minimum span: 30 intervals. */
const MINIMUM_SPAN_MS = 30 * INTERVAL_MS;
/** How long the quiet services are judged after warm-up: three minimum spans. */
const QUIET_JUDGED_MS = 3 * MINIMUM_SPAN_MS;
/**
 * Generous bound for the leak to be flagged: the rule needs warm-up, 30 intervals and three
 * major GCs (~35 s on a quiet machine); 104 s measured under a load average of 38 on 2 cores.
 */
const LEAK_BOUND_MS = 300_000;

const monitorEnvironment = {
  HEAPDRIFT_MONITOR_INTERVAL_MS: String(INTERVAL_MS),
  HEAPDRIFT_MONITOR_WARMUP_MS: String(WARMUP_MS),
};

interface Status {
  monitor: {
    suspected: boolean;
    verdict: string;
    rule: string;
    evaluations: number;
    gc: { major: number };
    lastSample: { spaces: Record<string, number> };
  };
}

function sampleValue(
  families: ReturnType<typeof parsePrometheusTextFormat>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const family = families.find((candidate) => candidate.name === name);
  assert.ok(family, `${name} is exported`);
  const sample = family.metrics.find((metric) =>
    Object.entries(labels).every(([key, value]) => metric.labels?.[key] === value),
  );
  assert.ok(sample, `${name} ${JSON.stringify(labels)} has a sample`);
  return Number(sample.value);
}

async function scrape(service: RunningService) {
  const response = await fetch(service.url('/metrics'));
  assert.equal(response.status, 200);
  return parsePrometheusTextFormat(await response.text());
}

describe('monitor in a real HTTP service', { timeout: LEAK_BOUND_MS + 60_000 }, () => {
  const services: RunningService[] = [];
  const loads: ReturnType<typeof driveLoad>[] = [];
  let leaking20: RunningService;
  let quiet20: RunningService;
  let quiet24: RunningService;
  let startedAt = 0;

  before(async () => {
    const node24 = nodeBinary('24.21.0');
    [leaking20, quiet20, quiet24] = await Promise.all([
      startService(
        process.execPath,
        { ...monitorEnvironment, LEAK: '1', LEAK_ENTRIES: '1000' },
        TEST_NODE_ARGS,
      ),
      startService(process.execPath, { ...monitorEnvironment, LEAK: '0' }, TEST_NODE_ARGS),
      startService(node24, { ...monitorEnvironment, LEAK: '0' }, TEST_NODE_ARGS),
    ]);
    services.push(leaking20, quiet20, quiet24);
    startedAt = Date.now();
    for (const service of services) loads.push(driveLoad(service.url('/work'), LEAK_BOUND_MS));
  });

  after(async () => {
    for (const load of loads) load.stop();
    await Promise.all(services.map((service) => service.stop()));
  });

  it('flags the leak (Node 20) and exports it to Prometheus, scraped over loopback', async () => {
    const event = await leaking20.waitFor('leak-suspected', LEAK_BOUND_MS);
    assert.equal(event.rule, 'persistent-growth');
    assert.ok((event.slopeBytesPerHour as number) > 0);
    assert.ok((event.confidence as number) > 0.999);
    const families = await scrape(leaking20);
    assert.equal(sampleValue(families, 'heapdrift_leak_suspected'), 1);
    assert.ok(sampleValue(families, 'heapdrift_heap_growth_bytes_per_hour') > 0);
    assert.ok(sampleValue(families, 'heapdrift_heap_used_after_gc_bytes') > 0);
    const status = await fetchJson<Status>(leaking20.url('/status'));
    // Every heap space this Node version has, by its own name; every GC entry counted.
    for (const space of Object.keys(status.monitor.lastSample.spaces)) {
      assert.ok(sampleValue(families, 'heapdrift_heap_space_used_bytes', { space }) >= 0);
    }
    assert.ok(sampleValue(families, 'heapdrift_gc_total', { kind: 'major' }) >= 2);
    assert.ok(sampleValue(families, 'heapdrift_gc_total', { kind: 'minor' }) > 0);
  });

  it('stays quiet without the leak, on Node 20 and Node 24, while judging', async () => {
    // The leaking service's verdict came first; the quiet ones are judged for as long again as
    // three minimum spans after their warm-up, whichever is later.
    await leaking20.waitFor('leak-suspected', LEAK_BOUND_MS).catch(() => undefined);
    const judgedUntil = WARMUP_MS + QUIET_JUDGED_MS;
    const uptime = Date.now() - startedAt;
    if (uptime < judgedUntil) await new Promise((resolve) => setTimeout(resolve, judgedUntil - uptime));
    for (const service of [quiet20, quiet24]) {
      assert.deepEqual(
        service.events.filter((event) => event.event === 'leak-suspected'),
        [],
        `no leak-suspected from pid ${service.child.pid}`,
      );
      const status = await fetchJson<Status>(service.url('/status'));
      assert.equal(status.monitor.suspected, false);
      assert.notEqual(status.monitor.verdict, 'growing');
      // It was judging, not still warming up or gathering: a rule past the sample checks decided.
      assert.ok(
        !['warm-up', 'enough-samples', 'enough-time'].includes(status.monitor.rule),
        `decided by ${status.monitor.rule}`,
      );
      const families = await scrape(service);
      assert.equal(sampleValue(families, 'heapdrift_leak_suspected'), 0);
    }
    const spaces24 = Object.keys((await fetchJson<Status>(quiet24.url('/status'))).monitor.lastSample.spaces);
    assert.ok(spaces24.includes('shared_trusted_space'), `Node 24 spaces: ${spaces24.join(', ')}`);
  });
});
