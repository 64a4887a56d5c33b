// The monitor's metrics as a prom-client collector: gauges (and a GC counter) whose values
// are read from the monitor's status at scrape time, registered on the user's registry.
// prom-client is an optional peer: loaded here, on demand, or passed in as `client`.

import type * as PromClient from 'prom-client';
import { METRIC_DEFINITIONS, type MetricDefinition } from './metric-definitions.js';
import type { HeapMonitor } from './monitor.js';
import { loadPeer } from './peer.js';

export interface PrometheusOptions {
  /** The registry to register on (default: prom-client's global `register`). */
  registry?: PromClient.Registry;
  /** The prom-client module to use (default: `import('prom-client')`). */
  client?: typeof PromClient;
  /** Metric name prefix (default `heapdrift_`). */
  prefix?: string;
}

export interface RegisteredMetrics {
  /** Full metric names, as scraped. */
  names: string[];
  /** Removes the metrics from the registry. */
  unregister(): void;
}

export async function registerPrometheusMetrics(
  monitor: HeapMonitor,
  options: PrometheusOptions = {},
): Promise<RegisteredMetrics> {
  const client =
    options.client ?? (await loadPeer<typeof PromClient>('prom-client', 'the Prometheus exporter'));
  const registry = options.registry ?? client.register;
  const prefix = options.prefix ?? 'heapdrift_';
  const names = METRIC_DEFINITIONS.map((definition) => {
    const name = `${prefix}${definition.prometheusName}`;
    registry.registerMetric(makeMetric(client, definition, name, monitor));
    return name;
  });
  const unregister = () => {
    for (const name of names) registry.removeSingleMetric(name);
  };
  return { names, unregister };
}

function makeMetric(
  client: typeof PromClient,
  definition: MetricDefinition,
  name: string,
  monitor: HeapMonitor,
): PromClient.Metric {
  const configuration = { name, help: definition.help, labelNames: definition.labelNames, registers: [] };
  if (definition.kind === 'counter') {
    return new client.Counter({
      ...configuration,
      collect() {
        // A counter cannot be set: reset and add the monitor's running totals.
        this.reset();
        for (const [labels, value] of definition.read(monitor.status())) this.inc(labels, value);
      },
    });
  }
  return new client.Gauge({
    ...configuration,
    collect() {
      this.reset();
      for (const [labels, value] of definition.read(monitor.status())) this.set(labels, value);
    },
  });
}
