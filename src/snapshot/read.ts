// Reading a heap snapshot from a file, a Node stream or any (async) iterable of chunks.
// The file reader keeps one read in flight while the previous chunk is parsed, so disk and
// parser overlap; every error names the file.

import { open } from 'node:fs/promises';
import { SnapshotFormatError } from './errors.js';
import type { HeapGraph } from './graph.js';
import { HeapSnapshotParser } from './parser.js';

export interface ReadOptions {
  /** Bytes per read; the default suits both small and multi-GB files. */
  chunkSize?: number;
  /** Called after each chunk with the bytes read so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

const DEFAULT_CHUNK_SIZE = 2 * 1024 * 1024;

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
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const file = await open(path, 'r');
  try {
    const stats = await file.stat();
    if (stats.isDirectory()) throw new SnapshotFormatError('is a directory, not a heap snapshot file');
    const parser = new HeapSnapshotParser();
    // Two buffers take turns: one is parsed while the next read fills the other. A buffer the
    // parser keeps (it holds strings) is replaced by a fresh one instead of being reused.
    const spare: Buffer[] = [];
    const readChunk = async () => {
      const buffer = spare.pop() ?? Buffer.allocUnsafeSlow(chunkSize);
      const { bytesRead } = await file.read(buffer, 0, chunkSize, null);
      return buffer.subarray(0, bytesRead);
    };
    let pending = readChunk();
    try {
      for (;;) {
        const chunk = await pending;
        if (chunk.length === 0) break;
        pending = readChunk();
        parser.write(chunk);
        if (!parser.retains(chunk)) spare.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunkSize));
        options.onProgress?.(parser.bytesRead, stats.size);
      }
    } finally {
      // A read may still be in flight when the parser fails; let it settle before closing.
      await pending.catch(() => undefined);
    }
    return parser.end();
  } finally {
    await file.close();
  }
}

function nameFile(path: string, error: unknown): unknown {
  if (error instanceof SnapshotFormatError) {
    const named = new SnapshotFormatError(`${path}: ${error.message}`);
    Object.defineProperty(named, 'offset', { value: error.offset });
    return named;
  }
  return error;
}
