// One measured benchmark task, run alone in its own child process so that peak RSS belongs to
// this tool only: `node dist/bench/task.js <task> <snapshot file>`. Prints one line
// `BENCH_RESULT {json}` with wall and CPU seconds of the task, peak RSS and a check value.

import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { computeDistances, computeDominators, summarizeClasses } from '../src/analysis/index.js';
import { readHeapSnapshot } from '../src/snapshot/index.js';
import { RESULT_MARKER } from './measure.js';

/** What a task reports besides timings, so that runs of different tools can be compared. */
export interface TaskCheck {
  nodeCount: number;
  /** Retained size of the root (the heap's total) for full analyses. */
  totalRetainedSize?: number;
  classCount?: number;
}

export interface TaskResult extends TaskCheck {
  task: string;
  wallSeconds: number;
  cpuSeconds: number;
  /** Peak resident set size of the whole child process (node itself included), bytes. */
  peakRssBytes: number;
  /**
   * CPU seconds of the main thread alone (Linux: /proc/self/task/<pid>/stat, 10 ms ticks):
   * with a second thread, what the wall time would be on two free cores.
   */
  mainThreadCpuSeconds?: number;
}

type Task = (file: string) => Promise<TaskCheck>;

const repository = fileURLToPath(new URL('../../', import.meta.url));
const devToolsChunkSize = 1 << 20;

/** Loaded before the clock starts: module loading is not what is being measured. */
async function prepare(task: string): Promise<Task> {
  switch (task) {
    case 'node-baseline':
      // Nothing: the peak RSS of a Node.js process that only loaded this script.
      return async () => ({ nodeCount: 0 });
    case 'heapdrift-parse':
    case 'heapdrift-parse-1core':
      // (-1core: the runner starts this child under `taskset -c 0`.)
      return async (file) => ({ nodeCount: (await readHeapSnapshot(file)).nodeCount });
    case 'heapdrift-parse-1thread':
      return async (file) => ({ nodeCount: (await readHeapSnapshot(file, { threads: 1 })).nodeCount });
    case 'heapdrift-full':
      return heapdriftFull;
    case 'json-parse':
      return async (file) => jsonParse(file);
    case 'memlab-parse':
    case 'memlab-full':
      return memlabTask(task === 'memlab-full');
    case 'devtools-full':
      return devToolsTask();
    default:
      throw new Error(`unknown task ${task}`);
  }
}

async function heapdriftFull(file: string): Promise<TaskCheck> {
  const graph = await readHeapSnapshot(file);
  computeDistances(graph);
  const tree = computeDominators(graph);
  const summary = summarizeClasses(graph, tree);
  return {
    nodeCount: graph.nodeCount,
    totalRetainedSize: tree.retainedSizes[graph.rootOrdinal]!,
    classCount: summary.classes.length,
  };
}

function jsonParse(file: string): TaskCheck {
  const json = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[] } };
    nodes: number[];
  };
  return { nodeCount: json.nodes.length / json.snapshot.meta.node_fields.length };
}

interface MemlabCore {
  config: { muteConsole: boolean };
  utils: { getSnapshotFromFile(file: string, options: object): Promise<MemlabHeap> };
  analysis: { preparePathFinder(heap: MemlabHeap): unknown };
}
interface MemlabHeap {
  nodes: { length: number; get(index: number): { retainedSize: number } | null };
}

/**
 * memlab's loading, as `getFullHeapFromFile` of @memlab/heap-analysis does it:
 * `utils.getSnapshotFromFile(file, {buildNodeIdIndex: true})`, then for the full analysis
 * `analysis.preparePathFinder` (shortest paths, dominators, retained sizes, React fiber marks).
 */
function memlabTask(full: boolean): Task {
  // Installed apart from heapdrift's own dependencies by scripts/bench-tools.mjs.
  const require = createRequire(join(repository, 'bench', 'tools', 'package.json'));
  const memlab = require('@memlab/core') as MemlabCore;
  memlab.config.muteConsole = true;
  return async (file) => {
    const heap = await memlab.utils.getSnapshotFromFile(file, { buildNodeIdIndex: true });
    if (!full) return { nodeCount: heap.nodes.length };
    memlab.analysis.preparePathFinder(heap);
    return { nodeCount: heap.nodes.length, totalRetainedSize: heap.nodes.get(0)?.retainedSize ?? Number.NaN };
  };
}

interface DevToolsHarness {
  loadDevToolsSnapshotFromChunks(
    chunks: AsyncIterable<string>,
  ): Promise<{ snapshot: DevToolsHeapSnapshot; problems: string[] }>;
}
interface DevToolsHeapSnapshot {
  nodeCount: number;
  retainedSizes: Float64Array;
  getAggregatesByClassKey(sortedIndexes: boolean, key?: string): Record<string, unknown>;
}

/**
 * Chrome DevTools' worker code, bundled by scripts/build-devtools-harness.mjs: the file streamed
 * as text chunks into its loader, the snapshot built (distances, dominators, retained sizes),
 * then the Summary view's aggregates.
 */
async function devToolsTask(): Promise<Task> {
  const builder = (await import(
    pathToFileURL(join(repository, 'scripts', 'build-devtools-harness.mjs')).href
  )) as {
    buildDevToolsHarness(): Promise<string>;
  };
  const harness = (await import(pathToFileURL(await builder.buildDevToolsHarness()).href)) as DevToolsHarness;
  return async (file) => {
    const chunks = createReadStream(file, { encoding: 'utf8', highWaterMark: devToolsChunkSize });
    const { snapshot } = await harness.loadDevToolsSnapshotFromChunks(chunks as AsyncIterable<string>);
    const aggregates = snapshot.getAggregatesByClassKey(false, 'allObjects');
    return {
      nodeCount: snapshot.nodeCount,
      totalRetainedSize: snapshot.retainedSizes[0]!,
      classCount: Object.keys(aggregates).length,
    };
  };
}

/** utime + stime of the main thread (whose thread id is the process id), or undefined off Linux. */
function mainThreadCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5), counted after the command name: utime, stime in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const [task, file] = process.argv.slice(2);
  if (!task || !file) throw new Error('usage: node dist/bench/task.js <task> <file>');
  const run = await prepare(task);
  const cpuBefore = process.cpuUsage();
  const mainBefore = mainThreadCpuSeconds();
  const started = performance.now();
  const check = await run(file);
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const mainAfter = mainThreadCpuSeconds();
  const result: TaskResult = {
    task,
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    ...(mainBefore === undefined || mainAfter === undefined
      ? {}
      : { mainThreadCpuSeconds: mainAfter - mainBefore }),
    ...check,
  };
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
