// The reader's second thread (see edges-split.ts): finds the `edges` section of a snapshot
// file without parsing what lies before it, tells the main thread where it is, then parses
// it into a typed array whose memory is handed over, not copied.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { EdgesWorkerCounts, EdgesWorkerData, EdgesWorkerMessage } from './edges-split.js';
import { SnapshotFormatError } from './errors.js';
import { checkEdgeRange, type EdgeCheckProgress, type EdgeLimits } from './graph-check.js';
import { NumberArrayBuilder } from './number-array.js';
import { NumberSectionReader } from './number-section.js';

const CLOSE_BRACKET = 93;
/** Enough for `,` + whitespace + `"edges"` + `:` + `[` as any writer lays them out in practice. */
const KEY_WINDOW = 64;
const EDGES_KEY = /^\s*,\s*"edges"\s*:\s*\[/;

function post(message: EdgesWorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

class FileBytes {
  readonly fd: number;
  readonly size: number;
  readonly #buffer: Buffer;

  constructor(path: string, chunkSize: number) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
    this.#buffer = Buffer.allocUnsafeSlow(chunkSize);
  }

  /** Bytes from `position`; a view of one reused buffer, valid until the next read. */
  read(position: number, length = this.#buffer.length): Buffer {
    const bytesRead = readSync(this.fd, this.#buffer, 0, Math.min(length, this.#buffer.length), position);
    return this.#buffer.subarray(0, bytesRead);
  }

  /** Offset of the first `byte` at or after `from`, or -1. */
  find(byte: number, from: number): number {
    for (let position = from; position < this.size; ) {
      const chunk = this.read(position);
      if (chunk.length === 0) break;
      const found = chunk.indexOf(byte);
      if (found >= 0) return position + found;
      position += chunk.length;
    }
    return -1;
  }
}

/**
 * The `edges` array's '[' and ']' offsets, or undefined. A number array of n values takes at
 * least 2n - 1 bytes, so searching for ']' from that far past its start never lands beyond
 * its end; header counts may be wrong, which the main thread's own parse of the keys and the
 * check of where the parse ends catch (and then the file is read on one thread).
 */
function locateEdges(file: FileBytes, data: EdgesWorkerCounts): { open: number; close: number } | undefined {
  const nodesClose = file.find(CLOSE_BRACKET, Math.max(1, 2 * data.nodeValueCount));
  if (nodesClose < 0) return undefined;
  const window = file.read(nodesClose + 1, KEY_WINDOW).toString('latin1');
  const key = EDGES_KEY.exec(window);
  if (!key) return undefined;
  const open = nodesClose + key[0].length;
  const close = file.find(CLOSE_BRACKET, open + Math.max(1, 2 * data.edgeValueCount));
  return close < 0 ? undefined : { open, close };
}

/**
 * Parses the edges and checks each chunk's worth while it is fresh in this core's cache (see
 * graph-check.ts): the main thread then only compares the node count and the largest string
 * index. Checking stops at the first bad edge; the main thread checks from there itself.
 */
function parseEdges(
  file: FileBytes,
  open: number,
  close: number,
  data: EdgesWorkerCounts,
): EdgesWorkerMessage {
  const { limits } = data;
  const sink = new NumberArrayBuilder(data.edgeValueCount);
  const reader = new NumberSectionReader('edges', data.edgeValueCount, sink);
  const check: EdgeCheckProgress = { checkedLength: 0, maxNameIndex: -1 };
  let checking = true;
  let position = open + 1;
  try {
    while (!reader.result) {
      const chunk = file.read(position);
      if (chunk.length === 0) return { type: 'failed', reason: 'the file ended inside "edges"' };
      const stop = reader.read(chunk, 0, chunk.length, position);
      position += stop;
      if (checking) checking = checkEdgeRange(sink.values, wholeEdges(sink.length, limits), limits, check);
    }
  } catch (error) {
    if (error instanceof SnapshotFormatError) return { type: 'failed', reason: error.message };
    throw error;
  }
  if (position !== close + 1)
    return { type: 'failed', reason: `"edges" ended at byte ${position - 1}, not ${close}` };
  const values = reader.result;
  if (checking) checkEdgeRange(values, wholeEdges(values.length, limits), limits, check);
  return { type: 'done', values, check };
}

/** The values of the whole edges among the first `length`. */
function wholeEdges(length: number, limits: EdgeLimits): number {
  return length - (length % limits.edgeFieldCount);
}

function main(data: EdgesWorkerData & EdgesWorkerCounts): void {
  const file = new FileBytes(data.path, data.chunkSize);
  try {
    const located = locateEdges(file, data);
    if (!located) {
      post({ type: 'failed', reason: 'no edges section found where expected' });
    } else {
      post({ type: 'located', ...located });
      const outcome = parseEdges(file, located.open, located.close, data);
      post(outcome, outcome.type === 'done' ? [outcome.values.buffer as ArrayBuffer] : []);
    }
  } finally {
    closeSync(file.fd);
  }
}

// The counts come once the main thread has read the header; the worker was started before.
parentPort!.once('message', (counts: EdgesWorkerCounts) =>
  main({ ...(workerData as EdgesWorkerData), ...counts }),
);
