// The monitor's metrics as OpenTelemetry observable instruments on a meter of the user's
// MeterProvider (or the global one from @opentelemetry/api, an optional peer loaded on
// demand): one batch callback reads the monitor's status once per collection.

import type * as OtelApi from '@opentelemetry/api';
import { METRIC_DEFINITIONS } from './metric-definitions.js';
import type { HeapMonitor } from './monitor.js';
import { loadPeer } from './peer.js';

export interface OpenTelemetryOptions {
  /** A meter to create the instruments on. */
  meter?: OtelApi.Meter;
  /** Or a MeterProvider to get the `heapdrift` meter from (default: the global provider). */
  meterProvider?: OtelApi.MeterProvider;
}

export interface RegisteredInstruments {
  names: string[];
  /** Stops reporting (removes the batch callback). */
  unregister(): void;
}

export async function registerOpenTelemetryMetrics(
  monitor: HeapMonitor,
  options: OpenTelemetryOptions = {},
): Promise<RegisteredInstruments> {
  const meter = options.meter ?? (await defaultMeter(options.meterProvider));
  const instruments = METRIC_DEFINITIONS.map((definition) => {
    const settings = { description: definition.help, unit: definition.unit };
    return {
      definition,
      observable:
        definition.kind === 'counter'
          ? meter.createObservableCounter(definition.otelName, settings)
          : meter.createObservableGauge(definition.otelName, settings),
    };
  });
  const callback: OtelApi.BatchObservableCallback = (result) => {
    const status = monitor.status();
    for (const { definition, observable } of instruments) {
      for (const [labels, value] of definition.read(status)) result.observe(observable, value, labels);
    }
  };
  const observables = instruments.map((instrument) => instrument.observable);
  meter.addBatchObservableCallback(callback, observables);
  return {
    names: instruments.map((instrument) => instrument.definition.otelName),
    unregister: () => meter.removeBatchObservableCallback(callback, observables),
  };
}

async function defaultMeter(provider: OtelApi.MeterProvider | undefined): Promise<OtelApi.Meter> {
  if (provider) return provider.getMeter('heapdrift');
  const api = await loadPeer<typeof OtelApi>('@opentelemetry/api', 'the OpenTelemetry exporter');
  return api.metrics.getMeter('heapdrift');
}
