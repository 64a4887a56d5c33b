// Reading a heap snapshot from a file, a Node stream or any (async) iterable of chunks.
// The file reader keeps one read in flight while the previous chunk is parsed, so disk and
// parser overlap; every error names the file.

import { type FileHandle, open } from 'node:fs/promises';
import { EdgesSplit, planRead, type ReadPlan } from './edges-split.js';
import { SnapshotFormatError } from './errors.js';
import type { HeapGraph } from './graph.js';
import { HeapSnapshotParser } from './parser.js';

export interface ReadOptions {
  /** Bytes per read; the default suits both small and multi-GB files. */
  chunkSize?: number;
  /** Called after each chunk with the bytes read so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * `auto` (default): a second thread parses the `edges` section of files of at least
   * `splitMinBytes` when this process may use two cores or more; 1 or 2 forces the choice.
   */
  threads?: 'auto' | 1 | 2;
  /** The smallest file `auto` reads on two threads; default `DEFAULT_SPLIT_MIN_BYTES`. */
  splitMinBytes?: number;
  /** Told once how the file was read: on how many threads, and why. */
  onPlan?: (plan: ReadPlan) => void;
}

const DEFAULT_CHUNK_SIZE = 2 * 1024 * 1024;
/** Bytes written at a time until the header is known (it is a few KB). */
const HEADER_PIECE = 64 * 1024;

interface FeedHooks {
  /** Runs once, as soon as the parser has read the header. */
  onHeader?: () => void;
  /** No chunk ending past `offset` is written before `ready` settles. */
  gate?: () => { offset: number; ready: Promise<void> } | undefined;
}

/** Streams chunks into the parser. Chunks are kept by reference: do not reuse their buffers. */
export async function parseHeapSnapshot(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): Promise<HeapGraph> {
  const parser = new HeapSnapshotParser();
  for await (const chunk of source) parser.write(chunk);
  return parser.end();
}

export async function readHeapSnapshot(path: string, options: ReadOptions = {}): Promise<HeapGraph> {
  try {
    return await readFile(path, options);
  } catch (error) {
    throw nameFile(path, error);
  }
}

async function readFile(path: string, options: ReadOptions): Promise<HeapGraph> {
  const file = await open(path, 'r');
  try {
    const stats = await file.stat();
    if (stats.isDirectory()) throw new SnapshotFormatError('is a directory, not a heap snapshot file');
    let plan = planRead(stats.size, options.threads, options.splitMinBytes);
    if (plan.threads === 2) {
      const outcome = await readWithEdgesWorker(path, file, stats.size, options);
      if (outcome.graph) {
        options.onPlan?.(outcome.plan);
        return outcome.graph;
      }
      // The worker could not take the edges (unusual layout, wrong header counts, bad
      // data): read on one thread, which also reports any format error as it always does.
      plan = outcome.plan;
    }
    options.onPlan?.(plan);
    const parser = new HeapSnapshotParser();
    await feedFile(file, stats.size, options, parser);
    return parser.end();
  } finally {
    await file.close();
  }
}

/**
 * The main thread parses everything but `edges`, which a worker parses at the same time.
 * Without a graph when the split did not work out and the file must be read again on one
 * thread; the plan says which happened and why.
 */
async function readWithEdgesWorker(
  path: string,
  file: FileHandle,
  size: number,
  options: ReadOptions,
): Promise<{ graph?: HeapGraph; plan: ReadPlan }> {
  const parser = new HeapSnapshotParser();
  // Started before the header is read, so that its boot overlaps the main thread's first reads.
  let split: EdgesSplit | undefined = new EdgesSplit({
    path,
    chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
  });
  // Chunks that end before `gate.offset` cannot reach the edges; the first one that may
  // waits until the worker said where the edges are, so small files split as well.
  let gate: { offset: number; ready: Promise<void> } | undefined;
  const startWorker = () => {
    const header = parser.header;
    if (!header || !split) return;
    if (!split.begin(header)) {
      split.stop();
      split = undefined;
      return;
    }
    const ready = split.located.then((where) => {
      if (where && !parser.deferSection('edges', where.open, where.close)) {
        split?.stop('the main thread reached the edges first');
      }
    });
    gate = { offset: split.earliestEdgesOffset, ready };
  };
  const oneThread = (why: string): ReadPlan => ({ threads: 1, reason: why });
  try {
    try {
      await feedFile(file, size, options, parser, { onHeader: startWorker, gate: () => gate });
    } catch (error) {
      // A one-thread read reports the first error in file order: one found after the
      // skipped edges stands only if the worker read the edges without one.
      if (parser.skippedDeferredSection && error instanceof SnapshotFormatError && !(await split!.values)) {
        return { plan: oneThread(`read again on one thread: ${split!.failure}`) };
      }
      throw error;
    }
    if (!parser.skippedDeferredSection) {
      const why = split
        ? (split.failure ?? 'the main thread reached the edges first')
        : 'no node/edge counts in the header';
      return { graph: parser.end(), plan: oneThread(why) };
    }
    // While the worker finishes the edges: the nodes' checks.
    parser.checkNodesEarly();
    const edges = await split!.values;
    if (!edges) return { plan: oneThread(`read again on one thread: ${split!.failure}`) };
    parser.provideSection('edges', edges.values, edges.precheck);
    return { graph: parser.end(), plan: { threads: 2, reason: 'the edges were parsed by a second thread' } };
  } finally {
    split?.stop();
  }
}

/**
 * Reads the file into the parser. Two buffers take turns: one is parsed while the next read
 * fills the other. A buffer the parser keeps (it holds strings) is replaced by a fresh one
 * instead of being reused. When the parser skips a section another thread reads, the reads
 * jump over it.
 */
async function feedFile(
  file: FileHandle,
  size: number,
  options: ReadOptions,
  parser: HeapSnapshotParser,
  hooks: FeedHooks = {},
): Promise<void> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const spare: Buffer[] = [];
  let position = 0;
  const readChunk = async () => {
    const buffer = spare.pop() ?? Buffer.allocUnsafeSlow(chunkSize);
    const start = position;
    position += chunkSize;
    const { bytesRead } = await file.read(buffer, 0, chunkSize, start);
    return buffer.subarray(0, bytesRead);
  };
  const recycle = (chunk: Buffer) => spare.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunkSize));
  let pending = readChunk();
  try {
    for (;;) {
      const chunk = await pending;
      if (chunk.length === 0) break;
      pending = readChunk();
      const retained = await writeGated(parser, chunk, hooks);
      if (!retained) recycle(chunk);
      const resumeAt = parser.resumeOffset;
      if (resumeAt !== undefined) {
        // Inside a section another thread reads: the read in flight is of skipped bytes.
        const skipped = await pending;
        if (skipped.length > 0) recycle(skipped);
        position = resumeAt;
        parser.resume();
        pending = readChunk();
      }
      options.onProgress?.(parser.bytesRead, size);
    }
  } finally {
    // A read may still be in flight when the parser fails; let it settle before closing.
    await pending.catch(() => undefined);
  }
}

/**
 * Writes one chunk: until the header is known, in small pieces so that `onHeader` runs
 * before the parser gets far; a piece that ends past the `gate`'s offset waits for the gate.
 * Returns whether the parser keeps the chunk.
 */
async function writeGated(parser: HeapSnapshotParser, chunk: Buffer, hooks: FeedHooks): Promise<boolean> {
  let retained = false;
  for (let start = 0; start < chunk.length; ) {
    const headerPending = hooks.onHeader !== undefined && parser.header === undefined;
    const end = headerPending ? Math.min(chunk.length, start + HEADER_PIECE) : chunk.length;
    const gate = hooks.gate?.();
    if (gate && parser.bytesRead + (end - start) > gate.offset) await gate.ready;
    const piece = chunk.subarray(start, end);
    parser.write(piece);
    retained ||= parser.retains(piece);
    start = end;
    if (headerPending && parser.header !== undefined) hooks.onHeader!();
  }
  return retained;
}

function nameFile(path: string, error: unknown): unknown {
  if (error instanceof SnapshotFormatError) {
    const named = new SnapshotFormatError(`${path}: ${error.message}`);
    Object.defineProperty(named, 'offset', { value: error.offset });
    return named;
  }
  return error;
}
