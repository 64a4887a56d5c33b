// The example monitor service (examples/monitor-service/server.mjs) as a real child process
// under a chosen Node binary, with its JSON-line events collected, and a loopback load
// generator (load.mjs, also a child) driving it. Every wait is bounded.

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const exampleDir = fileURLToPath(new URL('../../../examples/monitor-service/', import.meta.url));
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * V8 grows a small heap's limit 2–4× after each major GC, so a small leaking test heap sees
 * few of them (measured: at 21, 48 and 90 s); a large production heap grows by far less. A
 * fixed growth factor gives the test services major GCs at a production-like pace; it
 * applies to leaking and quiet services alike and changes no rule.
 */
export const TEST_NODE_ARGS = ['--heap-growing-percent=50'];

export interface ServiceEvent {
  event: string;
  [key: string]: unknown;
}

export interface RunningService {
  child: ChildProcess;
  port: number;
  events: ServiceEvent[];
  stderr: () => string;
  url(path: string): string;
  /** Resolves with the first event of this name, or rejects after `timeoutMs`. */
  waitFor(name: string, timeoutMs: number): Promise<ServiceEvent>;
  stop(): Promise<void>;
}

export async function startService(
  nodePath: string,
  environment: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<RunningService> {
  const child = spawn(nodePath, [...nodeArgs, `${exampleDir}server.mjs`], {
    cwd: repositoryRoot,
    env: { ...process.env, PORT: '0', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: ServiceEvent[] = [];
  const waiters: (() => void)[] = [];
  let stderrText = '';
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    buffered += text;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) events.push(JSON.parse(line) as ServiceEvent);
    for (const waiter of waiters.splice(0)) waiter();
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderrText += text;
    for (const waiter of waiters.splice(0)) waiter();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const waitFor = (name: string, timeoutMs: number) =>
    new Promise<ServiceEvent>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no ${name} event within ${timeoutMs} ms; stderr: ${stderrText.slice(-2000)}`)),
        timeoutMs,
      );
      const check = () => {
        const found = events.find((event) => event.event === name);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else if (child.exitCode !== null) {
          clearTimeout(timer);
          reject(
            new Error(`the service exited (${child.exitCode}) before ${name}: ${stderrText.slice(-2000)}`),
          );
        } else waiters.push(check);
      };
      check();
    });
  const listening = await waitFor('listening', 30_000);
  const port = listening.port as number;
  return {
    child,
    port,
    events,
    stderr: () => stderrText,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    waitFor,
    async stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Starts the loopback load generator against `url`; resolves with its summary when it ends. */
export function driveLoad(
  url: string,
  durationMs: number,
  concurrency = 2,
  rate = 0,
): { done: Promise<{ requests: number; errors: number }>; stop(): void } {
  const child = spawn(
    process.execPath,
    [
      `${exampleDir}load.mjs`,
      url,
      '--concurrency',
      String(concurrency),
      '--duration',
      String(durationMs),
      '--rate',
      String(rate),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    output += text;
  });
  let stopped = false;
  const done = new Promise<{ requests: number; errors: number }>((resolve, reject) => {
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(output) as { requests: number; errors: number });
      else if (stopped) resolve({ requests: 0, errors: 0 });
      else reject(new Error(`load generator exited ${code}`));
    });
  });
  return {
    done,
    stop: () => {
      stopped = true;
      child.kill('SIGKILL');
    },
  };
}

export async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}
