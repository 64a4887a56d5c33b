// Runs one benchmark task in a fresh child process (bench/task.ts) and keeps the best of a
// few runs where runs are cheap: the machine may be shared, so the fastest run is the one
// least disturbed by other work.

import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { TaskResult } from './task.js';

export const RESULT_MARKER = 'BENCH_RESULT ';

/** Every child gets the same heap limit: JSON.parse, memlab and DevTools need more than the default. */
export const CHILD_NODE_FLAGS = ['--max-old-space-size=16384'];

const taskScript = fileURLToPath(new URL('./task.js', import.meta.url));

export interface Measurement {
  task: string;
  runs: number;
  /** Fastest run's wall seconds. */
  wallSeconds: number;
  /** Least CPU seconds (user + system, all threads) of the runs. */
  cpuSeconds: number;
  /** Largest peak RSS of the runs, bytes. */
  peakRssBytes: number;
  /** Least main-thread CPU seconds of the runs (Linux only). */
  mainThreadCpuSeconds?: number;
  /** 1-minute load average just before the first run. */
  loadAverage?: number;
  nodeCount: number;
  totalRetainedSize?: number;
  classCount?: number;
}

export interface Failure {
  task: string;
  failed: string;
}

export interface RepeatOptions {
  maxRuns: number;
  /** No further run starts once the runs so far took this long in total. */
  budgetSeconds: number;
  timeoutSeconds: number;
}

/**
 * Runs per tool on the 50 and 400 MB files. The parse rows get more: a two-thread read's wall
 * time on the shared VM spreads by 40 % between runs of one build, wider than the targets'
 * margins, and every parse tool but memlab takes seconds (memlab's 400 MB parse, ~11 s, is what
 * the budget allows five of).
 */
export const PARSE_REPEATS = { maxRuns: 5, budgetSeconds: 60 };
export const FULL_REPEATS = { maxRuns: 3, budgetSeconds: 30 };

export async function measure(
  task: string,
  file: string,
  options: RepeatOptions,
): Promise<Measurement | Failure> {
  const results: TaskResult[] = [];
  const loadAverage = Math.round(loadavg()[0]! * 100) / 100;
  let spent = 0;
  while (results.length < options.maxRuns && (results.length === 0 || spent < options.budgetSeconds)) {
    const outcome = await runOnce(task, file, options.timeoutSeconds);
    if ('failed' in outcome) return results.length > 0 ? summarize(results, loadAverage) : outcome;
    results.push(outcome);
    spent += outcome.wallSeconds;
  }
  return summarize(results, loadAverage);
}

function summarize(results: TaskResult[], loadAverage: number): Measurement {
  const fastest = results.reduce((best, result) => (result.wallSeconds < best.wallSeconds ? result : best));
  const mainThread = results.flatMap((result) => result.mainThreadCpuSeconds ?? []);
  return {
    loadAverage,
    ...(mainThread.length > 0 ? { mainThreadCpuSeconds: Math.min(...mainThread) } : {}),
    task: fastest.task,
    runs: results.length,
    wallSeconds: fastest.wallSeconds,
    cpuSeconds: Math.min(...results.map((result) => result.cpuSeconds)),
    peakRssBytes: Math.max(...results.map((result) => result.peakRssBytes)),
    nodeCount: fastest.nodeCount,
    ...(fastest.totalRetainedSize === undefined ? {} : { totalRetainedSize: fastest.totalRetainedSize }),
    ...(fastest.classCount === undefined ? {} : { classCount: fastest.classCount }),
  };
}

/** One child process; a crash, a non-zero exit or the timeout becomes a `Failure` saying which. */
export function runOnce(
  task: string,
  file: string,
  timeoutSeconds: number,
  extraFlags: string[] = [],
): Promise<TaskResult | Failure> {
  return new Promise((resolve) => {
    const args = [...CHILD_NODE_FLAGS, ...extraFlags, taskScript, task, file];
    // The one-core variant runs pinned to CPU 0: availableParallelism() is then 1.
    const [command, commandArgs] = task.endsWith('-1core')
      ? ['taskset', ['-c', '0', process.execPath, ...args]]
      : [process.execPath, args];
    const child = spawn(command, commandArgs, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout = (stdout + text).slice(-100_000);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-100_000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((text) => text.startsWith(RESULT_MARKER));
      if (code === 0 && line) return resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as TaskResult);
      if (timedOut) return resolve({ task, failed: `no result within ${timeoutSeconds} s (stopped)` });
      resolve({ task, failed: failureReason(stderr, code, signal) });
    });
  });
}

/** The error's first line (e.g. `Error: Cannot create a string longer than …`), not its stack. */
function failureReason(stderr: string, code: number | null, signal: NodeJS.Signals | null): string {
  const line = stderr
    .split('\n')
    .map((text) => text.trim())
    .find((text) => /^(\w*Error|FATAL|RangeError)/.test(text) || /heap out of memory/.test(text));
  const exit = signal ? `signal ${signal}` : `exit code ${code}`;
  return line ? `${line.slice(0, 160)} (${exit})` : exit;
}
