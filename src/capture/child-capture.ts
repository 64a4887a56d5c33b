// Runs a scenario in a child node process with the heapdrift agent preloaded and turns the
// agent's messages into capture events. The child gets its own process group (a terminal's
// Ctrl-C reaches only the parent, which then stops the child gracefully) and dies with the
// parent. Snapshot files are handed over, never deleted here.

import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { agentPreloadFile, scenarioRunnerFile } from './agent-files.js';
import type { CaptureErrorCode, CaptureEvent, ExitEvent, MemorySample, StoppingEvent } from './events.js';
import { exitReasonOf } from './exit-reason.js';
import { JsonLineSplitter } from './json-lines.js';
import {
  agentConfigOf,
  agentConfigVariable,
  type CaptureOptions,
  type ResolvedCaptureOptions,
  resolveCaptureOptions,
} from './options.js';
import { OutputTail } from './output-tail.js';
import { type GuardedChild, guardChild, releaseChild } from './parent-guard.js';

/** How long to wait for the child's pipes to drain after it exited (grandchildren may hold stderr). */
const drainAfterExitMs = 1000;

/**
 * A running capture. Every event goes out as 'event' (listen, or iterate with `for await`)
 * in order; the last one is always the exit event. Attach in the same tick as startCapture:
 * nothing is buffered for late listeners.
 */
export class CaptureSession extends EventEmitter implements AsyncIterable<CaptureEvent>, GuardedChild {
  /** Resolves with the exit event (after it was emitted). */
  readonly done: Promise<ExitEvent>;
  readonly stopsOnSignals: boolean;
  private readonly options: ResolvedCaptureOptions;
  private readonly child: ChildProcess;
  private readonly channel = new JsonLineSplitter();
  private readonly stderrTail = new OutputTail();
  private readonly stdoutTail = new OutputTail();
  private readonly outputFiles: { stdout: WriteStream; stderr: WriteStream } | undefined;
  private resolveDone!: (event: ExitEvent) => void;
  private snapshots = 0;
  private iterations: number | null = null;
  private exited = false;
  private finished = false;
  private killedByParent = false;
  private stopRequested = false;
  private timedOut = false;
  private snapshotWatchdog: NodeJS.Timeout | undefined;
  private stopTimer: NodeJS.Timeout | undefined;

  constructor(options: ResolvedCaptureOptions) {
    super();
    this.options = options;
    this.stopsOnSignals = options.stopOnSignals;
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    mkdirSync(options.snapshotDir, { recursive: true, mode: 0o700 });
    this.outputFiles = options.outputFiles && {
      stdout: privateFileStream(options.outputFiles.stdout),
      stderr: privateFileStream(options.outputFiles.stderr),
    };
    this.child = this.spawnChild();
    guardChild(this);
    this.listenToChild();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Graceful stop: an iteration scenario finishes its iteration and runs teardown; a plain
   * script is ended once any snapshot in progress is complete. SIGKILL after the grace time.
   */
  stop(): Promise<ExitEvent> {
    if (this.exited || this.stopRequested) return this.done;
    this.stopRequested = true;
    const control = this.child.stdio[4] as Writable | null;
    control?.write('stop\n');
    const capturing = this.snapshotWatchdog !== undefined;
    this.armStopTimer(this.options.stopGraceMs + (capturing ? this.options.snapshotTimeoutMs : 0));
    return this.done;
  }

  /** Immediate SIGKILL of the child and its process group. */
  kill(): void {
    if (this.exited || this.child.pid === undefined) return;
    this.killedByParent = true;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<CaptureEvent> {
    const queue: CaptureEvent[] = [];
    let wake: (() => void) | null = null;
    let sawExit = this.finished;
    const listener = (event: CaptureEvent) => {
      queue.push(event);
      wake?.();
    };
    this.on('event', listener);
    const close = () => {
      sawExit = true;
      this.off('event', listener);
    };
    return {
      next: async () => {
        while (queue.length === 0) {
          if (sawExit) return { done: true, value: undefined };
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = null;
        }
        const value = queue.shift()!;
        if (value.type === 'exit') close();
        return { done: false, value };
      },
      return: async () => {
        close();
        return { done: true, value: undefined };
      },
    };
  }

  private spawnChild(): ChildProcess {
    const options = this.options;
    const target = options.mode === 'iterations' ? scenarioRunnerFile : options.scenarioFile;
    const args = [
      ...options.nodeArgs,
      '--expose-gc',
      '--require',
      agentPreloadFile,
      target,
      ...options.scriptArgs,
    ];
    const config = agentConfigOf(options, true);
    return spawn(options.nodePath, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, [agentConfigVariable]: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
  }

  private listenToChild(): void {
    const child = this.child;
    const channel = child.stdio[3] as Readable;
    const control = child.stdio[4] as Writable;
    control.on('error', () => {}); // the child may be gone before we write
    channel.on('data', (chunk: Buffer) => {
      for (const message of this.channel.push(chunk)) this.handleMessage(message);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => this.handleOutput('stderr', text));
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => this.handleOutput('stdout', text));
    child.on('error', (error) => {
      if (child.pid !== undefined) return;
      this.emitEvent({ type: 'error', code: 'spawn-failed', message: error.message });
      this.exited = true;
      void this.finish(null, null, []);
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      const streams = [channel, child.stderr, child.stdout].filter((stream) => stream !== null);
      void this.finish(code, signal, streams);
    });
  }

  private handleOutput(stream: 'stdout' | 'stderr', text: string): void {
    (stream === 'stderr' ? this.stderrTail : this.stdoutTail).append(text);
    this.outputFiles?.[stream].write(text);
    this.options.forwardOutput?.write(text);
    if (this.options.output === 'events') this.emitEvent({ type: 'output', stream, text });
    else if (this.options.output === 'inherit')
      (stream === 'stderr' ? process.stderr : process.stdout).write(text);
  }

  private handleMessage(message: unknown): void {
    if (message instanceof Error) {
      this.emitEvent({ type: 'error', code: 'protocol', message: message.message });
      return;
    }
    const fields = message as Record<string, unknown> & { type: string };
    switch (fields.type) {
      case 'ready':
        this.emitEvent({
          type: 'ready',
          nodeVersion: String(fields.nodeVersion),
          v8Version: String(fields.v8Version),
          pid: Number(fields.pid),
          mode: this.options.mode,
        });
        return;
      case 'sample':
        this.noteIteration((fields as unknown as MemorySample).iteration);
        this.emitEvent({ ...(fields as unknown as MemorySample), type: 'sample' });
        return;
      case 'requested':
      case 'capture-start':
        this.armSnapshotWatchdog();
        return;
      case 'snapshot':
        this.disarmSnapshotWatchdog();
        this.snapshots++;
        this.noteIteration(fields.iteration as number | null);
        this.emitEvent(fields as unknown as CaptureEvent);
        return;
      case 'stopping':
        this.emitEvent({ type: 'stopping', reason: fields.reason as StoppingEvent['reason'] });
        this.onStopping();
        return;
      case 'finished':
        this.iterations = Number(fields.iterations);
        return;
      case 'error':
        this.emitEvent({
          type: 'error',
          code: fields.code as CaptureErrorCode,
          message: String(fields.message),
        });
        return;
    }
  }

  private noteIteration(iteration: number | null): void {
    if (typeof iteration === 'number' && iteration > (this.iterations ?? -1)) this.iterations = iteration;
  }

  /** A plain script never ends by itself: it is ended here. An iteration scenario ends alone. */
  private onStopping(): void {
    if (this.options.mode === 'script') this.kill();
    else this.armStopTimer(this.options.stopGraceMs);
  }

  private armStopTimer(delayMs: number): void {
    clearTimeout(this.stopTimer);
    this.stopTimer = setTimeout(() => this.kill(), delayMs);
  }

  private armSnapshotWatchdog(): void {
    if (this.snapshotWatchdog !== undefined) return;
    this.snapshotWatchdog = setTimeout(() => {
      this.timedOut = true;
      this.emitEvent({
        type: 'error',
        code: 'snapshot-timeout',
        message: `no snapshot within ${this.options.snapshotTimeoutMs} ms of its request; ending the child`,
      });
      this.kill();
    }, this.options.snapshotTimeoutMs);
  }

  private disarmSnapshotWatchdog(): void {
    clearTimeout(this.snapshotWatchdog);
    this.snapshotWatchdog = undefined;
  }

  private async finish(
    code: number | null,
    signal: NodeJS.Signals | null,
    streams: (Readable | null)[],
  ): Promise<void> {
    if (this.finished) return;
    await Promise.race([Promise.all(streams.map(endOf)), delay(drainAfterExitMs)]);
    if (this.finished) return;
    if (this.outputFiles)
      await Promise.all([closeFile(this.outputFiles.stdout), closeFile(this.outputFiles.stderr)]);
    if (this.finished) return;
    this.finished = true;
    this.disarmSnapshotWatchdog();
    clearTimeout(this.stopTimer);
    releaseChild(this);
    const stderr = this.stderrTail.toString();
    const event: ExitEvent = {
      type: 'exit',
      code,
      signal,
      reason: exitReasonOf({
        code,
        signal,
        stderr,
        killedByParent: this.killedByParent,
        stopRequested: this.stopRequested,
        timedOut: this.timedOut,
      }),
      stderrTail: stderr,
      stdoutTail: this.stdoutTail.toString(),
      snapshots: this.snapshots,
      iterations: this.options.mode === 'iterations' ? (this.iterations ?? 0) : null,
    };
    this.emitEvent(event);
    this.resolveDone(event);
  }

  private emitEvent(event: CaptureEvent): void {
    this.emit('event', event);
  }
}

/** Starts the scenario in a child process; throws UserError for bad options or missing files. */
export function startCapture(options: CaptureOptions): CaptureSession {
  return new CaptureSession(resolveCaptureOptions(options));
}

function endOf(stream: Readable | null): Promise<void> {
  if (stream === null || stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

/** A file for the child's output: 0600, and a write error (disk full) never ends the run. */
function privateFileStream(file: string): WriteStream {
  const stream = createWriteStream(file, { mode: 0o600 });
  stream.on('error', () => {});
  return stream;
}

function closeFile(stream: WriteStream): Promise<void> {
  if (stream.closed || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', () => resolve());
    stream.end();
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
