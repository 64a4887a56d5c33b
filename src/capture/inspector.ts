// A session with a live Node.js process over its inspector (chrome-remote-interface): its
// heap statistics, a forced GC, and heap snapshots whose chunks go straight into the snapshot
// parser (and, when asked, to a 0600 file) instead of being held as text.

import { createWriteStream, type WriteStream } from 'node:fs';
import CDP from 'chrome-remote-interface';
import { UserError } from '../errors.js';
import { type HeapGraph, HeapSnapshotParser } from '../snapshot/index.js';
import type { InspectorTarget } from './inspector-target.js';

/** What the target says about itself before a snapshot. */
export interface TargetHeap {
  nodeVersion: string;
  v8Version: string;
  pid: number;
  usedHeapSize: number;
  totalHeapSize: number;
  heapSizeLimit: number;
  rss: number;
  /** Memory the process may still take: process.availableMemory() (Node 22+), else os.freemem(). */
  availableMemory: number;
}

// Runtime.evaluate runs even while the target's loop is busy; `require` comes from the
// command-line API (includeCommandLineAPI) and is used only during the evaluation.
const HEAP_EXPRESSION = `JSON.stringify((() => {
  const heap = require('v8').getHeapStatistics();
  const memory = process.memoryUsage();
  const available = typeof process.availableMemory === 'function' ? process.availableMemory() : require('os').freemem();
  return { nodeVersion: process.versions.node, v8Version: process.versions.v8, pid: process.pid,
    usedHeapSize: heap.used_heap_size, totalHeapSize: heap.total_heap_size, heapSizeLimit: heap.heap_size_limit,
    rss: memory.rss, availableMemory: available };
})())`;

// Closing from inside must wait until this session is gone (inspector.close() blocks until
// no session is connected), and must not use `require` later: the command-line API is gone.
const CLOSE_EXPRESSION = `((inspector) => setTimeout(() => { try { inspector.close(); } catch {} }, 100))(require('inspector')), true`;

export class SnapshotTimeoutError extends UserError {
  constructor(seconds: number) {
    super(
      `the target did not finish a heap snapshot within ${seconds} s: its event loop is probably blocked (on Node 22+ the inspector's heap commands wait for the loop to turn); the target keeps running`,
      'ERR_HEAPDRIFT_ATTACH_TIMEOUT',
    );
  }
}

export class TargetGoneError extends UserError {
  constructor(label: string, why = 'the connection closed (the process exited or closed its inspector)') {
    super(`${label}: ${why}`, 'ERR_HEAPDRIFT_ATTACH_GONE');
  }
}

/** Why the session ended when the target finished its work and waits for us to leave. */
const EXITING = 'the process is exiting (it finished and waits for its debuggers to disconnect)';

export class InspectorSession {
  readonly target: InspectorTarget;
  #client: CDP.Client;
  #profilerEnabled = false;
  /** Why the target can no longer answer, once it cannot. */
  #goneBecause: string | undefined;
  #disconnected = false;
  #onGone: ((why: string) => void)[] = [];

  private constructor(target: InspectorTarget, client: CDP.Client) {
    this.target = target;
    this.#client = client;
    client.on('disconnect', () => {
      this.#disconnected = true;
      this.#goneAway('the connection closed (the process exited or closed its inspector)');
    });
    // A process that exits with a session attached waits for it to disconnect; on Node 22+ a
    // heap command sent then is never answered, so that moment must end the session at once.
    client.on('NodeRuntime.waitingForDisconnect', () => this.#goneAway(EXITING));
  }

  static async connect(target: InspectorTarget): Promise<InspectorSession> {
    try {
      const client = await CDP({ target: target.webSocketUrl, local: true });
      const session = new InspectorSession(target, client);
      // Supported by Node.js 12 and later; a target without it is only noticed when it closes.
      await client
        .send('NodeRuntime.notifyWhenWaitingForDisconnect', { enabled: true })
        .catch(() => undefined);
      return session;
    } catch (error) {
      throw new UserError(
        `${target.label}: cannot connect to its inspector (${(error as Error).message})`,
        'ERR_HEAPDRIFT_ATTACH_UNREACHABLE',
      );
    }
  }

  get gone(): boolean {
    return this.#goneBecause !== undefined;
  }

  #goneAway(why: string): void {
    this.#goneBecause ??= why;
    for (const listener of this.#onGone.splice(0)) listener(this.#goneBecause);
  }

  async heap(timeoutMs: number): Promise<TargetHeap> {
    const reply = await this.#send(
      'Runtime.evaluate',
      { expression: HEAP_EXPRESSION, includeCommandLineAPI: true, returnByValue: true },
      timeoutMs,
    );
    const value = (reply.result as { value?: unknown } | undefined)?.value;
    if (typeof value !== 'string')
      throw new UserError(
        `${this.target.label}: could not read its heap statistics (${describeException(reply)})`,
        'ERR_HEAPDRIFT_ATTACH_TARGET',
      );
    return JSON.parse(value) as TargetHeap;
  }

  /** A full GC, then a snapshot streamed into the parser (and to `keepFile` when given). */
  async snapshot(timeoutMs: number, keepFile?: string): Promise<HeapGraph> {
    if (!this.#profilerEnabled) {
      await this.#send('HeapProfiler.enable', {}, timeoutMs);
      this.#profilerEnabled = true;
    }
    const deadline = Date.now() + timeoutMs;
    await this.#send('HeapProfiler.collectGarbage', {}, timeoutMs);
    const parser = new HeapSnapshotParser();
    const file = keepFile ? createWriteStream(keepFile, { mode: 0o600, flags: 'wx' }) : null;
    let failure: unknown = null;
    const onChunk = (params: Record<string, unknown>) => {
      if (failure) return;
      const chunk = String(params.chunk);
      file?.write(chunk);
      try {
        parser.write(chunk);
      } catch (error) {
        failure = error;
      }
    };
    this.#client.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    try {
      await this.#send(
        'HeapProfiler.takeHeapSnapshot',
        { reportProgress: false },
        Math.max(1, deadline - Date.now()),
      );
    } finally {
      this.#client.removeListener('HeapProfiler.addHeapSnapshotChunk', onChunk);
      if (file) await closeFile(file);
    }
    if (failure) throw failure;
    return parser.end();
  }

  /**
   * Disables what heapdrift enabled and disconnects; with `closeInspector`, first asks the
   * target to close the inspector heapdrift opened. Returns whether it still listens.
   */
  async leave(closeInspector: boolean): Promise<'listening' | 'closed' | 'unknown'> {
    if (this.#goneBecause === EXITING && !this.#disconnected) {
      // The target only waits for this session to leave: let it go at once.
      await this.#client.close().catch(() => undefined);
    } else if (!this.gone) {
      if (this.#profilerEnabled) await this.#send('HeapProfiler.disable', {}, 5000).catch(() => undefined);
      if (closeInspector)
        await this.#send(
          'Runtime.evaluate',
          { expression: CLOSE_EXPRESSION, includeCommandLineAPI: true },
          5000,
        ).catch(() => undefined);
      await this.#client.close().catch(() => undefined);
    }
    return stillListening(this.target, closeInspector ? 3000 : 0);
  }

  /** Sends a command; a timeout or a closed connection becomes a clear error. */
  async #send(
    method: string,
    params: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    if (this.#goneBecause) throw new TargetGoneError(this.target.label, this.#goneBecause);
    let timer: NodeJS.Timeout | undefined;
    let onGone: ((why: string) => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SnapshotTimeoutError(Math.round(timeoutMs / 1000))), timeoutMs);
      onGone = (why) => reject(new TargetGoneError(this.target.label, why));
      this.#onGone.push(onGone);
    });
    try {
      return await Promise.race([this.#client.send(method, params), stop]);
    } catch (error) {
      if (error instanceof UserError) throw error;
      // A protocol error carries the target's response; anything else is the socket closing.
      if (this.#goneBecause) throw new TargetGoneError(this.target.label, this.#goneBecause);
      if (!('response' in (error as object))) throw new TargetGoneError(this.target.label);
      // A target on its way out (it waits for debuggers to disconnect) has no context left.
      if (/Cannot find context/.test((error as Error).message))
        throw new TargetGoneError(
          this.target.label,
          'the process is exiting (its JavaScript context is gone)',
        );
      throw new UserError(
        `${this.target.label}: ${method} failed: ${(error as Error).message}`,
        'ERR_HEAPDRIFT_ATTACH_PROTOCOL',
      );
    } finally {
      clearTimeout(timer);
      this.#onGone = this.#onGone.filter((listener) => listener !== onGone);
    }
  }
}

function describeException(reply: Record<string, unknown>): string {
  const details = reply.exceptionDetails as
    | { exception?: { description?: string }; text?: string }
    | undefined;
  return details?.exception?.description?.split('\n')[0] ?? details?.text ?? 'no value returned';
}

function closeFile(file: WriteStream): Promise<void> {
  return new Promise((resolve) => file.end(resolve));
}

/** Whether the inspector still answers at its address (polled for up to `waitMs` to close). */
async function stillListening(
  target: InspectorTarget,
  waitMs: number,
): Promise<'listening' | 'closed' | 'unknown'> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    let answer: 'listening' | 'closed' | 'unknown' = 'listening';
    try {
      await CDP.List({ host: target.host, port: target.port });
    } catch (error) {
      // While the inspector closes, a request may be reset rather than refused: ask again.
      answer = (error as { code?: string }).code === 'ECONNREFUSED' ? 'closed' : 'unknown';
    }
    if (answer === 'closed' || Date.now() >= deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
