// The series' side of measuring each snapshot in a child process of its own (series-child.ts):
// one child per file, started with the series' heap limit once the previous one has exited. A
// child that dies is reported for its file; Ctrl-C kills the child at once. (A spare child
// started while the previous one worked saved no wall time measurably and cost 40-70 MiB at
// once: bench/results/series-memory-spare-trial.md.)

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SeriesAnswer } from './series-child.js';
import type { SeriesJob } from './series-file.js';

const CHILD_ENTRY = fileURLToPath(new URL('./series-child.js', import.meta.url));
/** The end of a child's stderr kept to say why it died (V8's out-of-memory report is short). */
const STDERR_KEPT = 4096;
/**
 * glibc serves allocations from this size up with fresh mappings, given back when freed. By
 * default it raises the threshold after the first large free (up to 32 MiB), and the parser's
 * later arrays then fragment its heap. A child's environment can fix it before it starts.
 */
const MMAP_THRESHOLD = 128 * 1024;
const SEMI_SPACE_MIB = 2;
/** Node options about memory that the child takes from the series' process. */
const MEMORY_FLAGS = /^--(max-old-space-size|max-semi-space-size|max-heap-size)(=|$)/;

export type ChildOutcome = SeriesAnswer | { type: 'aborted' };

export interface SnapshotChildrenOptions {
  signal?: AbortSignal;
}

export class SnapshotChildren {
  readonly #options: SnapshotChildrenOptions;
  readonly #running = new Set<ChildProcess>();
  /** The previous child's exit: the next does not start its work before that memory is back. */
  #previousExit: Promise<void> = Promise.resolve();
  readonly #killAll = () => {
    for (const child of this.#running) child.kill('SIGKILL');
  };

  constructor(options: SnapshotChildrenOptions) {
    this.#options = options;
    // A second Ctrl-C leaves by process.exit: no child may outlive the series.
    process.on('exit', this.#killAll);
    options.signal?.addEventListener('abort', this.#killAll, { once: true });
  }

  async measure(job: SeriesJob): Promise<ChildOutcome> {
    await this.#previousExit;
    if (this.#options.signal?.aborted) return { type: 'aborted' };
    const child = this.#start();
    const outcome = answerOf(child, this.#options.signal);
    child.send(job);
    this.#previousExit = exitOf(child);
    return outcome;
  }

  /** Kills what is still running (the child of an interrupted file). */
  close(): void {
    this.#killAll();
    process.off('exit', this.#killAll);
    this.#options.signal?.removeEventListener('abort', this.#killAll);
  }

  #start(): ChildProcess {
    const child = fork(CHILD_ENTRY, [], {
      execArgv: childNodeFlags(),
      env: { MALLOC_MMAP_THRESHOLD_: String(MMAP_THRESHOLD), ...process.env },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.#running.add(child);
    child.once('exit', () => this.#running.delete(child));
    return child;
  }
}

/**
 * The series' memory flags, and a young generation of at most 2 MiB a half unless the series
 * set one: V8 grows it to 16 MiB a half under the parser's allocation rate, memory the child
 * then holds through its analysis. Only at a process's start can this be set; a child can.
 */
function childNodeFlags(): string[] {
  const inherited = process.execArgv.filter((flag) => MEMORY_FLAGS.test(flag));
  const given = [...inherited, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return given.some((flag) => flag.startsWith('--max-semi-space-size'))
    ? inherited
    : [...inherited, `--max-semi-space-size=${SEMI_SPACE_MIB}`];
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The child's one answer, or why it has none: it died, or the series was interrupted. */
function answerOf(child: ChildProcess, signal: AbortSignal | undefined): Promise<ChildOutcome> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
  });
  return new Promise((resolve) => {
    child.once('message', (message: SeriesAnswer) => resolve(message));
    // 'close', not 'exit': it waits for the IPC channel, so an answer sent before exiting is in.
    child.once('close', (code, exitSignal) => {
      // Resolving again after the answer arrived changes nothing.
      if (signal?.aborted) resolve({ type: 'aborted' });
      else resolve({ type: 'failed', message: deathOf(code, exitSignal, stderr) });
    });
    child.once('error', (error) =>
      resolve({ type: 'failed', message: `the measuring process failed: ${error.message}` }),
    );
  });
}

function deathOf(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  if (/heap out of memory|Allocation failed/.test(stderr)) {
    const limit = process.execArgv.find((flag) => flag.startsWith('--max-old-space-size'));
    return `the measuring process ran out of memory${limit ? ` (${limit})` : ''}`;
  }
  if (signal) return `the measuring process was killed (${signal})`;
  const lastLine = stderr.trim().split('\n').at(-1) ?? '';
  return `the measuring process exited with code ${code}${lastLine ? `: ${lastLine}` : ''}`;
}
