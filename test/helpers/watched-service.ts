// A small "service" for the series and attach tests: a real Node process that runs a built-in
// scenario's iteration() on a timer, as a server handles requests, and optionally writes its
// own heap snapshots. The same scenarios `heapdrift run` judges, so the verdicts can agree.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findScenario } from '../../src/scenarios/index.js';

const SERVICE = `'use strict';
const v8 = require('v8');
const path = require('path');
const scenario = require(process.argv[2]);
const perTick = Number(process.env.PER_TICK || 1);
const writeDir = process.env.WRITE_DIR || '';
const writeEvery = Number(process.env.WRITE_EVERY || 0);
const writeCount = Number(process.env.WRITE_COUNT || 0);
if (scenario.setup) scenario.setup();
// Objects that only make the heap (and each snapshot of it) larger.
globalThis.__ballast = Array.from({ length: Number(process.env.BALLAST || 0) }, (_, i) => ({ i }));
globalThis.__service = scenario;
let ticks = 0;
let written = 0;
const timer = setInterval(() => {
  for (let i = 0; i < perTick; i++) scenario.iteration(ticks * perTick + i);
  ticks++;
  if (writeDir && ticks % writeEvery === 0) {
    v8.writeHeapSnapshot(path.join(writeDir, 'snap-' + String(written).padStart(3, '0') + '.heapsnapshot'));
    written++;
    if (written === writeCount) {
      clearInterval(timer);
      process.stdout.write('done\\n');
    }
  }
}, 10);
process.stdout.write('ready ' + process.pid + '\\n');
if (process.env.EXIT_AFTER_MS) setTimeout(() => process.exit(0), Number(process.env.EXIT_AFTER_MS));
// A service whose main thread never yields (a synchronous loop), after a moment of normal work.
if (process.env.BUSY_AFTER_MS) setTimeout(() => { let spin = 0; for (;;) spin++; }, Number(process.env.BUSY_AFTER_MS));
`;

export function serviceFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'heapdrift-service-'));
  const file = join(dir, 'service.cjs');
  writeFileSync(file, SERVICE);
  return file;
}

export function scenarioPath(name: 'map-leak' | 'churn-objects'): string {
  return findScenario(name)!.file;
}

export interface Service {
  child: ChildProcess;
  stderr: () => string;
  /** Resolves once the service printed `ready`. */
  ready: Promise<void>;
}

export function startService(
  node: string,
  scenario: 'map-leak' | 'churn-objects',
  options: { nodeArgs?: string[]; cwd?: string; env?: Record<string, string> } = {},
): Service {
  const child = spawn(node, [...(options.nodeArgs ?? []), serviceFile(), scenarioPath(scenario)], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr!.on('data', (chunk) => {
    errors += chunk;
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      if (String(chunk).includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`service exited (${code}) before ready: ${errors}`)));
  });
  return { child, stderr: () => errors, ready };
}

/** The CLI in a child process, as a user runs it; `whileRunning` gets its pid once it started. */
export async function heapdrift(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; whileRunning?: (pid: number) => Promise<void> } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const cli = new URL('../../src/cli/main.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [cli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  await options.whileRunning?.(child.pid!);
  return { status: await closed, stdout, stderr };
}

/** The address in Node's `Debugger listening on ws://127.0.0.1:<port>/…` line, once printed. */
export async function inspectorAddress(service: Service): Promise<string> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    const match = /ws:\/\/(127\.0\.0\.1:\d+)\//.exec(service.stderr());
    if (match) return match[1]!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no inspector address: ${service.stderr()}`);
}

/** Runs a service that writes `count` snapshots of itself into a new directory, and waits for it. */
export async function writtenSeries(
  node: string,
  scenario: 'map-leak' | 'churn-objects',
  count: number,
  env: Record<string, string> = {},
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `heapdrift-series-${scenario}-`));
  const service = startService(node, scenario, {
    env: { ...env, WRITE_DIR: dir, WRITE_EVERY: '10', WRITE_COUNT: String(count) },
  });
  await new Promise<void>((resolve, reject) => {
    service.child.stdout!.on('data', (chunk) => {
      if (String(chunk).includes('done')) resolve();
    });
    service.child.once('exit', (code) => reject(new Error(`service exited (${code}): ${service.stderr()}`)));
  });
  service.child.kill();
  await once(service.child, 'exit').catch(() => undefined);
  return dir;
}

/**
 * Snapshots written by Node itself on `--heapsnapshot-signal=SIGUSR2` (names
 * Heap.<date>.<time>.<pid>.<tid>.<seq>.heapsnapshot), one per second (the names' resolution).
 */
export async function signalledSeries(
  node: string,
  scenario: 'map-leak' | 'churn-objects',
  count: number,
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `heapdrift-signal-${scenario}-`));
  const service = startService(node, scenario, { nodeArgs: ['--heapsnapshot-signal=SIGUSR2'], cwd: dir });
  await service.ready;
  try {
    for (let index = 1; index <= count; index++) {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      service.child.kill('SIGUSR2');
      await waitForCompleteFiles(dir, index);
    }
  } finally {
    service.child.kill();
    await once(service.child, 'exit').catch(() => undefined);
  }
  return dir;
}

/** Waits until `count` snapshot files exist and the newest one stopped growing and is closed. */
async function waitForCompleteFiles(dir: string, count: number): Promise<void> {
  let lastSize = -1;
  for (let waited = 0; waited < 120_000; waited += 200) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const files = snapshotFiles(dir);
    if (files.length < count) continue;
    const newest = files.at(-1)!;
    const size = statSync(newest).size;
    if (size > 0 && size === lastSize && readFileSync(newest, 'latin1').trimEnd().endsWith('}')) return;
    lastSize = size;
  }
  throw new Error(`no complete snapshot ${count} in ${dir}`);
}

export function snapshotFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.heapsnapshot'))
    .sort()
    .map((name) => join(dir, name));
}
