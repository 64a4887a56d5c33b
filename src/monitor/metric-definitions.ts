// The monitor's metrics, defined once for both exporters: a Prometheus name, an
// OpenTelemetry name and unit, and how to read the values (with labels) from a status.

import type { MonitorStatus } from './monitor.js';

export type Labels = Record<string, string>;

export interface MetricDefinition {
  /** Prometheus name without the prefix (`heapdrift_` by default). */
  prometheusName: string;
  /** OpenTelemetry instrument name (dotted, `heapdrift.` included). */
  otelName: string;
  unit: string;
  help: string;
  kind: 'gauge' | 'counter';
  labelNames: string[];
  read(status: MonitorStatus): [Labels, number][];
}

const one = (value: number | null | undefined): [Labels, number][] =>
  value === null || value === undefined ? [] : [[{}, value]];

export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  {
    prometheusName: 'leak_suspected',
    otelName: 'heapdrift.leak.suspected',
    unit: '1',
    help: '1 while the monitor suspects a leak (heap used after GC keeps growing), else 0',
    kind: 'gauge',
    labelNames: [],
    read: (status) => one(status.suspected ? 1 : 0),
  },
  {
    prometheusName: 'leak_confidence',
    otelName: 'heapdrift.leak.confidence',
    unit: '1',
    help: 'Confidence of an upward trend in heap used after GC (1 - the Mann-Kendall p-value)',
    kind: 'gauge',
    labelNames: [],
    read: (status) => one(status.confidence),
  },
  {
    prometheusName: 'verdict_info',
    otelName: 'heapdrift.verdict',
    unit: '1',
    help: 'The current verdict and the rule that decided it (value 1)',
    kind: 'gauge',
    labelNames: ['verdict', 'rule', 'state'],
    read: (status) => [[{ verdict: status.verdict, rule: status.rule, state: status.state }, 1]],
  },
  {
    prometheusName: 'heap_growth_bytes_per_hour',
    otelName: 'heapdrift.heap.growth_rate',
    unit: 'By/h',
    help: 'Theil-Sen slope of heap used after GC over the judged window, bytes per hour',
    kind: 'gauge',
    labelNames: [],
    read: (status) => one(status.slopeBytesPerHour),
  },
  {
    prometheusName: 'heap_used_after_gc_bytes',
    otelName: 'heapdrift.heap.used_after_gc',
    unit: 'By',
    help: 'V8 old generation (the heap but its young generation) used after the latest major GC',
    kind: 'gauge',
    labelNames: [],
    read: (status) => one(status.heapUsedAfterGc),
  },
  {
    prometheusName: 'heap_used_bytes',
    otelName: 'heapdrift.heap.used',
    unit: 'By',
    help: 'V8 heap used at the latest sample',
    kind: 'gauge',
    labelNames: [],
    read: (status) => one(status.lastSample?.heapUsed),
  },
  {
    prometheusName: 'heap_space_used_bytes',
    otelName: 'heapdrift.heap.space.used',
    unit: 'By',
    help: 'Used bytes per V8 heap space (the spaces this Node version has)',
    kind: 'gauge',
    labelNames: ['space'],
    read: (status) =>
      Object.entries(status.lastSample?.spaces ?? {}).map(([space, used]) => [{ space }, used]),
  },
  {
    prometheusName: 'external_memory_bytes',
    otelName: 'heapdrift.memory.external',
    unit: 'By',
    help: 'Memory outside the V8 heap held by JS objects (Buffers, ArrayBuffers)',
    kind: 'gauge',
    labelNames: [],
    read: (status) => one(status.lastSample?.external),
  },
  {
    prometheusName: 'rss_bytes',
    otelName: 'heapdrift.memory.rss',
    unit: 'By',
    help: 'Resident set size of the process',
    kind: 'gauge',
    labelNames: [],
    read: (status) => one(status.lastSample?.rss),
  },
  {
    prometheusName: 'native_contexts',
    otelName: 'heapdrift.contexts.native',
    unit: '{context}',
    help: 'V8 native contexts (realms: the main one, vm contexts, iframes of jsdom)',
    kind: 'gauge',
    labelNames: [],
    read: (status) => one(status.lastSample?.nativeContexts),
  },
  {
    prometheusName: 'detached_contexts',
    otelName: 'heapdrift.contexts.detached',
    unit: '{context}',
    help: 'V8 contexts detached but not yet collected; a count that keeps rising is a context leak',
    kind: 'gauge',
    labelNames: [],
    read: (status) => one(status.lastSample?.detachedContexts),
  },
  {
    prometheusName: 'gc_total',
    otelName: 'heapdrift.gc.count',
    unit: '{collection}',
    help: 'Garbage collections by kind, every one counted (every PerformanceObserver gc entry)',
    kind: 'counter',
    labelNames: ['kind'],
    read: (status) => [
      [{ kind: 'minor' }, status.gc.minor],
      [{ kind: 'major' }, status.gc.major],
      [{ kind: 'incremental' }, status.gc.incremental],
      [{ kind: 'weak_callbacks' }, status.gc.weakCallbacks],
    ],
  },
];
