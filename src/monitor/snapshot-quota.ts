// The disk quota of the monitor's snapshot directory, counted in memory: what was there when
// the monitor started (read once, so restarts still respect the quota) plus what its series
// wrote. Estimates the next snapshot's file from the last one written, so a series that
// cannot fit whole is refused before it pauses the service for nothing.

import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from './rules.js';

/** A leaking heap grows during its series: later files are allowed this much more than the last one measured. */
const GROWTH_MARGIN = 1.25;

export class SnapshotQuota {
  readonly maxBytes: number;
  /** Bytes in the directory outside the series being written. */
  #settledBytes: number;
  #seriesDirectory: string | null = null;
  #seriesBytes = 0;
  /** File bytes per byte of heap used, from the last snapshot written; null before the first. */
  #fileFactor: number | null = null;

  constructor(directory: string, maxBytes: number) {
    this.maxBytes = maxBytes;
    this.#settledBytes = directoryBytes(directory);
  }

  get usedBytes(): number {
    return this.#settledBytes + this.#seriesBytes;
  }

  startSeries(directory: string): void {
    this.#settledBytes += this.#seriesBytes;
    this.#seriesDirectory = directory;
    this.#seriesBytes = 0;
  }

  /** Counts the series' directory again (a few files) after the monitor wrote or deleted there. */
  recount(): void {
    this.#seriesBytes = this.#seriesDirectory ? directoryBytes(this.#seriesDirectory) : 0;
  }

  noteSnapshot(fileBytes: number, heapUsed: number): void {
    if (heapUsed > 0) this.#fileFactor = fileBytes / heapUsed;
    this.recount();
  }

  /**
   * Why the next snapshot must not be taken for lack of disk, or undefined. Before any was
   * written there is no estimate (a file's size per byte of heap varies tenfold: strings and
   * small objects weigh, arrays of numbers hardly do), and the write itself stops at the
   * quota; after one, all `snapshotsLeft` of the series must fit: a series cut short cannot
   * be judged.
   */
  refusal(heapUsed: number, snapshotsLeft: number): string | undefined {
    const used = this.usedBytes;
    const quota = `the disk quota (${formatBytes(used)} of ${formatBytes(this.maxBytes)} used)`;
    if (this.#fileFactor === null) {
      return used < this.maxBytes ? undefined : `not taking a heap snapshot: no room left in ${quota}`;
    }
    const each = heapUsed * this.#fileFactor * GROWTH_MARGIN;
    if (used + snapshotsLeft * each <= this.maxBytes) return undefined;
    const left = snapshotsLeft === 1 ? 'the last snapshot' : `the ${snapshotsLeft} snapshots left`;
    return `not taking a heap snapshot: ${left} of this series, about ${formatBytes(each)} each, would pass ${quota}; raise snapshots.maxBytes (HEAPDRIFT_MONITOR_SNAPSHOTS_MAX_BYTES) or lower snapshots.count`;
  }
}

function directoryBytes(directory: string): number {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) total += directoryBytes(path);
    else if (entry.isFile()) total += statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}
