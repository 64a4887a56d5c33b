// The example monitor service as ONE process whose monitor the benchmark turns on and off
// between rounds (bench/monitor-toggle.mjs, preloaded, driven over IPC), optionally pinned to
// one CPU with `taskset`; and the loopback load (bench/pipelined-load.mjs), pinned to another.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exampleDir, repositoryRoot } from '../test/helpers/monitor-service.js';

const togglePath = fileURLToPath(new URL('../../bench/monitor-toggle.mjs', import.meta.url));

/** One round's readings from inside the service. */
export interface RoundReading {
  cpuMicroseconds: number;
  /** Of it, the threads other than the main one (GC helpers, libuv); Linux only, else 0. */
  otherThreadsMicroseconds: number;
  elapsedMs: number;
  requests: number;
  /** Collections the monitor counted (null when it was off). */
  gcs: number | null;
  evaluations: number | null;
  /** Times another process preempted the service: a busy CPU's mark. */
  involuntarySwitches: number;
}

/** Whether `taskset` runs here (Debian: util-linux); without it nothing is pinned. */
export function tasksetAvailable(): boolean {
  return spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** The command line for `argv`, pinned to `cpu` when pinning is on. */
export function pinned(cpu: number | null, argv: string[]): [string, string[]] {
  return cpu === null ? [argv[0]!, argv.slice(1)] : ['taskset', ['-c', String(cpu), ...argv]];
}

/** Pins this process (the benchmark's parent, all its threads: `-a`) to `cpu`, beside the load generator. */
export function pinSelf(cpu: number | null): void {
  if (cpu !== null)
    spawnSync('taskset', ['-a', '-pc', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

export class ToggledService {
  readonly #child: ChildProcess;
  readonly port: number;
  #replies: ((message: { type: string } & RoundReading) => void)[] = [];

  private constructor(child: ChildProcess, port: number) {
    this.#child = child;
    this.port = port;
    child.on('message', (message: { type: string } & RoundReading) => this.#replies.shift()?.(message));
  }

  /** `node`: the service's Node.js binary (by default the benchmark's own). */
  static async start(cpu: number | null, node = process.execPath): Promise<ToggledService> {
    const [command, args] = pinned(cpu, [
      node,
      // The toggle starts each round from a full collection (see bench/monitor-toggle.mjs).
      '--expose-gc',
      '--import',
      togglePath,
      `${exampleDir}server.mjs`,
    ]);
    const child = spawn(command, args, {
      cwd: repositoryRoot,
      env: { ...process.env, PORT: '0', MONITOR: 'off' },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the service did not listen within 30 s')), 30_000);
      child.on('exit', (code) => reject(new Error(`the service exited (${code}) before listening`)));
      let buffered = '';
      child.stdout!.setEncoding('utf8').on('data', (text: string) => {
        buffered += text;
        const match = /"event":"listening","port":(\d+)/.exec(buffered);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    return new ToggledService(child, port);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Runs one round of `durationMs` with the monitor on or off; the service measures it. */
  async round(
    monitor: boolean,
    intervalMs: number,
    durationMs: number,
    hooks = 'monitor',
  ): Promise<RoundReading> {
    await this.#request({ type: 'begin', monitor, intervalMs, hooks });
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    return this.#request({ type: 'end' });
  }

  #request(message: object): Promise<{ type: string } & RoundReading> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the service did not answer within 30 s')), 30_000);
      this.#replies.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.#child.send(message);
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.on('exit', resolve));
    this.#child.kill('SIGKILL');
    await exited;
  }
}

const pipelinedLoadPath = fileURLToPath(new URL('../../bench/pipelined-load.mjs', import.meta.url));

export interface LoadOptions {
  /** Keep-alive connections. */
  concurrency: number;
  /** Requests per second in all, or 0 to saturate. */
  rate: number;
  /** Requests in flight per connection when saturating. */
  depth: number;
  durationMs: number;
  /** Path and query requested (default `/work`). */
  path?: string;
}

/** Loopback load on the service's /work (bench/pipelined-load.mjs), pinned; stopped by the caller. */
export function startLoad(
  service: ToggledService,
  cpu: number | null,
  options: LoadOptions,
): { stop(): Promise<void> } {
  const argv = [
    pipelinedLoadPath,
    String(service.port),
    options.path ?? '/work',
    String(options.concurrency),
    String(options.depth),
    String(options.durationMs),
    String(options.rate),
  ];
  const [command, args] = pinned(cpu, [process.execPath, ...argv]);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
