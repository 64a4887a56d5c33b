// The two-thread read of a large snapshot file: while the main thread parses `nodes` and
// `strings`, a worker (edges-worker.ts) parses the `edges` section, about half of the bytes.
// Small files and one-core machines keep the single-thread path: a worker costs tens of ms.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { NumberArray } from './graph.js';
import { type EdgeCheckProgress, type EdgeLimits, type EdgePrecheck, edgeLimits } from './graph-check.js';
import { type RawSnapshotHeader, resolveLayout } from './meta.js';
import { OPTIONAL_NODE_FIELDS } from './node-rows.js';

export interface EdgesWorkerData {
  path: string;
  chunkSize: number;
}

/** Posted to the worker once the main thread has read the header (the worker boots meanwhile). */
export interface EdgesWorkerCounts {
  /** The header's node_count × node fields and edge_count × edge fields. */
  nodeValueCount: number;
  edgeValueCount: number;
  /** What the worker checks each edge against while it parses (the header's node count, no strings yet). */
  limits: EdgeLimits;
}

export type EdgesWorkerMessage =
  | { type: 'located'; open: number; close: number }
  | { type: 'done'; values: NumberArray; check: EdgeCheckProgress }
  | { type: 'failed'; reason: string };

/** The worker's edges and how far it checked them. */
export interface ParsedEdges {
  values: NumberArray;
  precheck: EdgePrecheck;
}

/** Files below this size are read on one thread (measured: see bench/results/latest.md). */
export const DEFAULT_SPLIT_MIN_BYTES = 24 * 1024 * 1024;

export interface ReadPlan {
  threads: 1 | 2;
  reason: string;
}

/** One thread or two for a file of `fileBytes`, given the options and the cores this process may use. */
export function planRead(
  fileBytes: number,
  threads: 'auto' | 1 | 2 = 'auto',
  splitMinBytes = DEFAULT_SPLIT_MIN_BYTES,
): ReadPlan {
  if (threads === 1) return { threads: 1, reason: 'one thread requested' };
  if (threads === 2) return { threads: 2, reason: 'two threads requested' };
  const cores = availableParallelism();
  if (cores < 2) return { threads: 1, reason: `${cores} core available` };
  if (fileBytes < splitMinBytes) return { threads: 1, reason: `file smaller than ${splitMinBytes} bytes` };
  return { threads: 2, reason: `${cores} cores, file of ${fileBytes} bytes` };
}

/** How many values the header announces for a section, or -1 when it does not say. */
function announced(count: unknown, fields: unknown[] | undefined): number {
  return typeof count === 'number' && Number.isInteger(count) && count >= 0 && count < 2 ** 31 && fields
    ? count * fields.length
    : -1;
}

/**
 * The edge checks the worker can do before the nodes and strings are read: against the
 * header's node count and the stored node rows' width as node-rows.ts starts them. Undefined
 * when the header's meta lacks a field the checks need (the one-thread read reports that).
 */
function workerEdgeLimits(header: RawSnapshotHeader, nodeValueCount: number): EdgeLimits | undefined {
  const { node_fields: fileFields } = header.meta;
  try {
    const layout = resolveLayout(
      header.meta,
      fileFields.filter((field) => !OPTIONAL_NODE_FIELDS.includes(field)),
    );
    return edgeLimits(layout, nodeValueCount / fileFields.length, Number.POSITIVE_INFINITY);
  } catch {
    return undefined;
  }
}

/**
 * The worker parsing one file's edges. `located` settles when the worker knows where the
 * section lies (or that it cannot split); `values` with the edges, or undefined when the
 * worker failed for any reason — the caller then reads the file on one thread, which also
 * gives any format error exactly as a one-thread read would.
 */
export class EdgesSplit {
  readonly located: Promise<{ open: number; close: number } | undefined>;
  readonly values: Promise<ParsedEdges | undefined>;
  /** Why the worker gave up, when it did. */
  failure: string | undefined;
  /** No byte before this offset can be part of the edges: the nodes take at least 2n - 1 bytes. */
  earliestEdgesOffset = 0;
  readonly #worker: Worker;
  #limits: EdgeLimits | undefined;

  /** Starts the worker at once: it boots while the main thread reads the header. */
  constructor(data: EdgesWorkerData) {
    this.#worker = new Worker(new URL('./edges-worker.js', import.meta.url), { workerData: data });
    let settleLocated: (where: { open: number; close: number } | undefined) => void = () => {};
    let settleValues: (values: ParsedEdges | undefined) => void = () => {};
    this.located = new Promise((resolve) => {
      settleLocated = resolve;
    });
    this.values = new Promise((resolve) => {
      settleValues = resolve;
    });
    const fail = (reason: string) => {
      this.failure ??= reason;
      settleLocated(undefined);
      settleValues(undefined);
    };
    this.#worker.on('message', (message: EdgesWorkerMessage) => {
      if (message.type === 'located') settleLocated({ open: message.open, close: message.close });
      else if (message.type === 'done') {
        const { nodeCount, nodeFieldCount } = this.#limits!;
        settleValues({ values: message.values, precheck: { ...message.check, nodeCount, nodeFieldCount } });
      } else fail(message.reason);
    });
    this.#worker.on('error', (error) => fail(`the worker failed: ${error.message}`));
    this.#worker.on('exit', () => fail('the worker stopped'));
  }

  /** Tells the worker the header's counts and layout; false when the header lacks them (then stop the worker). */
  begin(header: RawSnapshotHeader): boolean {
    const nodeValueCount = announced(header.node_count, header.meta.node_fields);
    const edgeValueCount = announced(header.edge_count, header.meta.edge_fields);
    if (nodeValueCount < 0 || edgeValueCount < 0) return false;
    const limits = workerEdgeLimits(header, nodeValueCount);
    if (!limits) return false;
    this.#limits = limits;
    this.earliestEdgesOffset = 2 * nodeValueCount;
    this.#worker.postMessage({ nodeValueCount, edgeValueCount, limits } satisfies EdgesWorkerCounts);
    return true;
  }

  stop(reason = 'not needed'): void {
    this.failure ??= reason;
    void this.#worker.terminate();
  }
}
