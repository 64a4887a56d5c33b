// The built-in scenarios, run for real: each module loads and iterates under Node 20 and 24;
// retained-maps makes NativeContext > retained_maps grow on 22.14.0 and not on 22.15.0; map-leak
// grows by exactly its LeakySessions while the negative controls stay flat. Measured with real
// heap snapshots (v8.writeHeapSnapshot in the child, JSON.parse here).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { canaryScenarios } from '../src/scenarios/canaries/index.js';
import { builtinScenarios, findScenario } from '../src/scenarios/index.js';
import { nodeBinary } from './helpers/node-binaries.js';

const execFileAsync = promisify(execFile);

// Runs a scenario in a child Node and writes a snapshot before the first iteration and after
// every `every` iterations, exactly as a probe that owns the loop would.
const probeProgram = `
  const v8 = require('node:v8');
  const path = require('node:path');
  const [file, iterations, every, outDir, overrides] = process.argv.slice(1);
  const scenario = require(file);
  if (scenario.parameters) Object.assign(scenario.parameters, JSON.parse(overrides));
  if (scenario.setup) scenario.setup();
  let count = 0;
  const snapshot = () => v8.writeHeapSnapshot(path.join(outDir, String(count++).padStart(3, '0') + '.heapsnapshot'));
  snapshot();
  for (let i = 0; i < Number(iterations); i++) {
    scenario.iteration(i);
    if ((i + 1) % Number(every) === 0) snapshot();
  }
  if (scenario.teardown) scenario.teardown();
`;

// Loads every module, checks its interface and runs a few iterations of each.
const smokeProgram = `
  (async () => {
    const files = JSON.parse(process.argv[1]);
    const report = [];
    for (const [name, file, iterations] of files) {
      const scenario = require(file);
      // Setup warm-ups (the HTTP canaries) are for verdicts, not for a smoke test.
      if (scenario.parameters && 'warmupIterations' in scenario.parameters) scenario.parameters.warmupIterations = 0;
      // Canaries are asynchronous (servers, workers, timers): await what they return.
      if (scenario.setup) await scenario.setup();
      for (let i = 0; i < iterations; i++) await scenario.iteration(i);
      if (scenario.teardown) await scenario.teardown();
      report.push({ name, description: scenario.meta && scenario.meta.description, iterationType: typeof scenario.iteration });
    }
    process.stdout.write(JSON.stringify(report));
  })();
`;

interface SnapshotFacts {
  /** Self size of NativeContext --retained_maps--> (of the context with most edges); -1 if absent. */
  retainedMapsSelfSize: number;
  totalSelfSize: number;
  /** Count and total self size of the `object` nodes (instances) per class name asked for. */
  classes: Map<string, { count: number; selfSize: number }>;
}

interface RawJsonSnapshot {
  snapshot: { meta: { node_fields: string[]; edge_fields: string[]; node_types: unknown[] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

function readSnapshotFacts(file: string, classNames: string[] = []): SnapshotFacts {
  const json = JSON.parse(readFileSync(file, 'utf8')) as RawJsonSnapshot;
  const { node_fields: nodeFields, edge_fields: edgeFields } = json.snapshot.meta;
  const nodeFieldCount = nodeFields.length;
  const edgeFieldCount = edgeFields.length;
  const typeOffset = nodeFields.indexOf('type');
  const objectType = (json.snapshot.meta.node_types[0] as string[]).indexOf('object');
  const nameOffset = nodeFields.indexOf('name');
  const selfSizeOffset = nodeFields.indexOf('self_size');
  const edgeCountOffset = nodeFields.indexOf('edge_count');
  const edgeNameOffset = edgeFields.indexOf('name_or_index');
  const toNodeOffset = edgeFields.indexOf('to_node');
  const edgeTypeOffset = edgeFields.indexOf('type');
  const edgeTypes = (json.snapshot.meta as unknown as { edge_types: [string[]] }).edge_types[0];
  const { nodes, edges, strings } = json;
  const classes = new Map(classNames.map((name) => [name, { count: 0, selfSize: 0 }]));
  let totalSelfSize = 0;
  let retainedMapsSelfSize = -1;
  let bestContextEdgeCount = -1;
  let firstEdge = 0;
  for (let node = 0; node < nodes.length; node += nodeFieldCount) {
    const edgeCount = nodes[node + edgeCountOffset]!;
    const name = strings[nodes[node + nameOffset]!]!;
    totalSelfSize += nodes[node + selfSizeOffset]!;
    const tally = nodes[node + typeOffset] === objectType ? classes.get(name) : undefined;
    if (tally) {
      tally.count++;
      tally.selfSize += nodes[node + selfSizeOffset]!;
    }
    if (name === 'system / NativeContext' && edgeCount > bestContextEdgeCount) {
      for (let edge = firstEdge; edge < firstEdge + edgeCount; edge++) {
        const at = edge * edgeFieldCount;
        const type = edgeTypes[edges[at + edgeTypeOffset]!];
        // Element and hidden edges carry an index, not a string id.
        if (type === 'element' || type === 'hidden') continue;
        if (strings[edges[at + edgeNameOffset]!] === 'retained_maps') {
          retainedMapsSelfSize = nodes[edges[at + toNodeOffset]! + selfSizeOffset]!;
          bestContextEdgeCount = edgeCount;
        }
      }
    }
    firstEdge += edgeCount;
  }
  return { retainedMapsSelfSize, totalSelfSize, classes };
}

interface ProbeOptions {
  iterations: number;
  every: number;
  overrides?: Record<string, unknown>;
  classNames?: string[];
}

async function probe(version: string, scenarioName: string, options: ProbeOptions): Promise<SnapshotFacts[]> {
  const scenario = findScenario(scenarioName);
  assert.ok(scenario, `no scenario ${scenarioName}`);
  const outDir = mkdtempSync(join(tmpdir(), 'heapdrift-scenario-'));
  try {
    await execFileAsync(
      nodeBinary(version),
      [
        '--expose-gc',
        '-e',
        probeProgram,
        scenario.file,
        String(options.iterations),
        String(options.every),
        outDir,
        JSON.stringify(options.overrides ?? {}),
      ],
      { maxBuffer: 1 << 20 },
    );
    const count = options.iterations / options.every + 1;
    return Array.from({ length: count }, (_, index) =>
      readSnapshotFacts(join(outDir, `${String(index).padStart(3, '0')}.heapsnapshot`), options.classNames),
    );
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

describe('scenario registry', () => {
  it('lists the built-ins (four, then the runtime canaries) with existing files and sane defaults', () => {
    assert.deepEqual(
      builtinScenarios.map((scenario) => scenario.name),
      ['retained-maps', 'churn-objects', 'bounded-cache', 'map-leak', ...canaryScenarios.map((c) => c.name)],
    );
    assert.ok(canaryScenarios.length >= 3, 'the knowledge base canaries are built in');
    for (const scenario of builtinScenarios) {
      assert.ok(existsSync(scenario.file), scenario.file);
      assert.ok(scenario.defaults.snapshots >= 12, scenario.name);
      assert.ok(scenario.defaults.warmupSnapshots < scenario.defaults.snapshots / 2, scenario.name);
      assert.ok(scenario.description.length > 20, scenario.name);
    }
    assert.equal(findScenario('map-leak')?.growingClass, 'LeakySession');
    assert.deepEqual(findScenario('retained-maps')?.track, ['NativeContext > retained_maps']);
    assert.equal(findScenario('no-such-scenario'), undefined);
  });
});

describe('scenario modules run on Node 20 and 24', () => {
  for (const version of ['system', '24.21.0']) {
    it(`loads and iterates every scenario on ${version}`, async () => {
      const files = builtinScenarios.map((scenario) => [
        scenario.name,
        scenario.file,
        // Runtime scenarios are slow per iteration (compiles, gc(), servers, threads): a few do.
        scenario.expectation === 'runtime-dependent' ? 3 : 20,
      ]);
      const { stdout } = await execFileAsync(nodeBinary(version), [
        '--expose-gc',
        '-e',
        smokeProgram,
        JSON.stringify(files),
      ]);
      const report = JSON.parse(stdout) as { name: string; description?: string; iterationType: string }[];
      assert.equal(report.length, builtinScenarios.length);
      for (const entry of report) {
        assert.equal(entry.iterationType, 'function', entry.name);
        assert.ok(entry.description && entry.description.length > 20, entry.name);
      }
    });
  }
});

describe('retained-maps reproducer', () => {
  it('grows NativeContext > retained_maps on 22.14.0 and stays bounded on 22.15.0', async (context) => {
    const options = { iterations: 64, every: 8 };
    const [affected, fixed] = await Promise.all([
      probe('22.14.0', 'retained-maps', options),
      probe('22.15.0', 'retained-maps', options),
    ]);
    const affectedSizes = affected.map((facts) => facts.retainedMapsSelfSize);
    const fixedSizes = fixed.map((facts) => facts.retainedMapsSelfSize);
    const message = `22.14.0: ${affectedSizes.join(' ')}; 22.15.0: ${fixedSizes.join(' ')}`;
    context.diagnostic(message);
    // Measured (README.md): 22.14.0 and 22.4.0 reach 58–67 KB by pass 64 (6 runs), 22.15.0
    // stays at 1.4–2.4 KB. The list grows in ×1.5 steps, so half the low end still leaves a step.
    const affectedLast = affectedSizes.at(-1)!;
    assert.ok(affectedLast >= 32 * 1024, message);
    // Still growing after warm-up: capacity grows by half at each step, so at least one more
    // step must come after pass 16.
    assert.ok(affectedLast > affectedSizes[2]!, message);
    assert.ok(Math.max(...fixedSizes) <= 8 * 1024, message);
    assert.ok(affectedLast >= 4 * Math.max(...fixedSizes), message);
  });
});

describe('map-leak against negative controls', () => {
  // Started together (they are independent children) to keep this file fast on 2 cores.
  let series: Promise<SnapshotFacts[]>[] = [];
  const controls = ['churn-objects', 'bounded-cache'];
  before(() => {
    series = [
      probe('system', 'map-leak', { iterations: 100, every: 20, classNames: ['LeakySession'] }),
      ...controls.map((control) => probe('system', control, { iterations: 120, every: 20 })),
    ];
    // Rejections are reported by the tests that await them.
    for (const pending of series) pending.catch(() => {});
  });

  it('map-leak keeps every LeakySession and grows the heap', async () => {
    const facts = await series[0]!;
    // 20 sessions per iteration, none ever removed.
    assert.deepEqual(
      facts.map((snapshot) => snapshot.classes.get('LeakySession')!.count),
      [0, 400, 800, 1200, 1600, 2000],
    );
    const growth = facts.at(-1)!.totalSelfSize - facts[1]!.totalSelfSize;
    assert.ok(growth > 100 * 1024, `heap grew by ${growth} bytes`);
  });

  controls.forEach((control, index) => {
    it(`${control} stays flat after warm-up`, async () => {
      const facts = await series[index + 1]!;
      const afterWarmup = facts.slice(2).map((snapshot) => snapshot.totalSelfSize);
      const spread = Math.max(...afterWarmup) - Math.min(...afterWarmup);
      // Measured: 21–63 KB of JIT code and feedback drift over a whole default run (README.md).
      assert.ok(spread < 128 * 1024, `${control} total self sizes: ${afterWarmup.join(' ')}`);
    });
  });
});
