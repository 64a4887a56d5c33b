// Snapshot-on-suspicion: a short series of heap snapshots, at most one series per cooldown,
// within a disk quota, files 0600 in a 0700 directory, never when the process cannot afford
// one; then the series is analysed by a child process into a run record, and the snapshots
// (which hold every string of the service) are deleted unless asked to keep them.

import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { getHeapSnapshot } from 'node:v8';
import { makePrivateDirectory, type RunRecord, writeJsonAtomically } from '../run/index.js';
import { snapshotAffordability } from './affordability.js';
import type { ResolvedSnapshotOptions } from './options.js';
import { formatBytes } from './rules.js';
import { MANIFEST_FILE, RECORD_FILE, type SeriesManifest } from './series-analysis.js';
import { SnapshotQuota } from './snapshot-quota.js';

export interface GrowingThing {
  name: string;
  reason: string;
  slopePerHour: number;
}

export type SnapshotEvent =
  | { type: 'skipped'; reason: string }
  | { type: 'written'; file: string; bytes: number; index: number; count: number; captureMs: number }
  | {
      type: 'analysed';
      directory: string;
      recordFile: string;
      verdict: RunRecord['verdict'];
      reason: string;
      /** Classes whose count or size grows across the series, largest growth first. */
      growingClasses: GrowingThing[];
      /** Structures (paths from the GC roots) that grow across the series. */
      growingStructures: GrowingThing[];
    }
  | { type: 'failed'; message: string };

export interface SnapshotTakerStatus {
  state: 'idle' | 'capturing' | 'analysing';
  seriesTaken: number;
  lastSeriesDirectory: string | null;
  diskBytes: number;
  maxBytes: number;
}

export class SnapshotTaker {
  readonly #options: ResolvedSnapshotOptions;
  readonly #emit: (event: SnapshotEvent) => void;
  #state: SnapshotTakerStatus['state'] = 'idle';
  #lastSeriesAt = Number.NEGATIVE_INFINITY;
  #seriesTaken = 0;
  #lastDirectory: string | null = null;
  #child: ChildProcess | null = null;
  #running: Promise<void> | null = null;
  readonly #abort = new AbortController();
  readonly #quota: SnapshotQuota;

  constructor(options: ResolvedSnapshotOptions, emit: (event: SnapshotEvent) => void) {
    this.#options = options;
    this.#emit = emit;
    this.#quota = new SnapshotQuota(options.dir, options.maxBytes);
  }

  /** True while snapshots are being taken: the service is paused by them, its readings are not its own. */
  get capturing(): boolean {
    return this.#state === 'capturing';
  }

  status(): SnapshotTakerStatus {
    return {
      state: this.#state,
      seriesTaken: this.#seriesTaken,
      lastSeriesDirectory: this.#lastDirectory,
      diskBytes: this.#quota.usedBytes,
      maxBytes: this.#quota.maxBytes,
    };
  }

  onSuspicion(): void {
    if (this.#state !== 'idle' || this.#abort.signal.aborted) return;
    const sinceLast = performance.now() - this.#lastSeriesAt;
    if (sinceLast < this.#options.cooldownMs) {
      const wait = Math.ceil((this.#options.cooldownMs - sinceLast) / 1000);
      this.#emit({
        type: 'skipped',
        reason: `a series was taken recently; the next is allowed in ${wait} s`,
      });
      return;
    }
    this.#lastSeriesAt = performance.now();
    this.#running = this.#takeSeries().catch((error: Error) => {
      if (!this.#abort.signal.aborted) this.#emit({ type: 'failed', message: error.message });
    });
    this.#running.finally(() => {
      this.#state = 'idle';
      this.#running = null;
    });
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#child?.kill();
    await this.#running;
  }

  async #takeSeries(): Promise<void> {
    this.#state = 'capturing';
    const started = new Date();
    const directory = join(this.#options.dir, `series-${started.toISOString().replace(/[:.]/g, '-')}`);
    makePrivateDirectory(directory);
    this.#quota.startSeries(directory);
    this.#lastDirectory = directory;
    this.#seriesTaken++;
    const manifest: SeriesManifest = {
      startedAt: started.toISOString(),
      command: [process.argv0, ...process.execArgv, ...process.argv.slice(1)].join(' '),
      script: process.argv[1] ?? '(unknown)',
      nodeVersion: process.versions.node,
      v8Version: process.versions.v8,
      execPath: process.execPath,
      everyMs: this.#options.every,
      count: this.#options.count,
      stopped: null,
      snapshots: [],
    };
    const origin = performance.now();
    for (let index = 0; index < this.#options.count; index++) {
      if (index > 0) await delay(this.#options.every, undefined, { signal: this.#abort.signal, ref: false });
      const refusal = this.#refusal(this.#options.count - index);
      if (refusal) {
        manifest.stopped = refusal;
        writeJsonAtomically(join(directory, MANIFEST_FILE), manifest);
        this.#emit({ type: 'skipped', reason: refusal });
        break;
      }
      const written = await this.#writeOne(directory, index, origin);
      if (typeof written === 'string') {
        manifest.stopped = written;
        writeJsonAtomically(join(directory, MANIFEST_FILE), manifest);
        this.#emit({ type: 'skipped', reason: written });
        break;
      }
      manifest.snapshots.push(written);
      writeJsonAtomically(join(directory, MANIFEST_FILE), manifest);
      this.#quota.recount();
    }
    // Even a series cut short is analysed: its record says why it could not be judged.
    if (!this.#options.analyse || manifest.snapshots.length === 0) return;
    this.#state = 'analysing';
    await this.#analyse(directory);
    if (!this.#options.keep) {
      for (const snapshot of manifest.snapshots) rmSync(join(directory, snapshot.file), { force: true });
    }
    this.#quota.recount();
  }

  /** Writes snapshot `index` of the series; its manifest entry, or why it was deleted. */
  async #writeOne(
    directory: string,
    index: number,
    origin: number,
  ): Promise<SeriesManifest['snapshots'][number] | string> {
    const file = `${String(index).padStart(3, '0')}.heapsnapshot`;
    const elapsedMs = performance.now() - origin;
    const heapUsed = process.memoryUsage().heapUsed;
    const captureStarted = performance.now();
    const room = this.#quota.maxBytes - this.#quota.usedBytes;
    const written = await writeSnapshot(join(directory, file), room);
    const captureMs = performance.now() - captureStarted;
    if (written === null) {
      this.#quota.recount();
      return `the snapshot went over the disk quota (${formatBytes(room)} left of ${formatBytes(this.#quota.maxBytes)}) while being written; stopped and deleted; raise snapshots.maxBytes (HEAPDRIFT_MONITOR_SNAPSHOTS_MAX_BYTES)`;
    }
    const bytes = statSync(join(directory, file)).size;
    this.#quota.noteSnapshot(bytes, heapUsed);
    this.#emit({
      type: 'written',
      file: join(directory, file),
      bytes,
      index,
      count: this.#options.count,
      captureMs,
    });
    return { file, elapsedMs, heapUsed, captureMs };
  }

  /** Why the next snapshot must not be taken, or undefined when it may. */
  #refusal(snapshotsLeft: number): string | undefined {
    const affordability = snapshotAffordability();
    if (!affordability.affordable) return `not taking a heap snapshot: ${affordability.reason}`;
    return this.#quota.refusal(affordability.heapUsed, snapshotsLeft);
  }

  async #analyse(directory: string): Promise<void> {
    const script = fileURLToPath(new URL('./analyse-child.js', import.meta.url));
    const environment: NodeJS.ProcessEnv = { ...process.env, HEAPDRIFT_MONITOR: 'off' };
    // The service's NODE_OPTIONS may preload this monitor: the analysis must not monitor itself.
    delete environment.NODE_OPTIONS;
    const child = spawn(process.execPath, [script, directory], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: environment,
    });
    this.#child = child;
    let errorText = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      errorText = (errorText + text).slice(-2000);
    });
    const code = await new Promise<number | null>((resolve) => {
      child.on('error', (error) => {
        errorText = error.message;
        resolve(null);
      });
      child.on('exit', (exitCode) => resolve(exitCode));
    });
    this.#child = null;
    if (this.#abort.signal.aborted) return;
    if (code !== 0) {
      this.#emit({
        type: 'failed',
        message: `analysis of ${directory} failed: ${errorText.trim() || `exit ${code}`}`,
      });
      return;
    }
    const recordFile = join(directory, RECORD_FILE);
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as RunRecord;
    this.#emit({
      type: 'analysed',
      directory,
      recordFile,
      verdict: record.verdict,
      reason: record.verdictReason,
      growingClasses: record.classes
        .filter((entry) => entry.verdict === 'growing')
        .map((entry) => ({ name: entry.className, reason: entry.reason, slopePerHour: entry.slopePerHour })),
      growingStructures: record.structures
        .filter((entry) => entry.verdict === 'growing')
        .map((entry) => ({ name: entry.path, reason: entry.reason, slopePerHour: entry.slopePerHour })),
    });
  }
}

/** Streams a snapshot straight into a file created 0600 (never readable by others, even while
 * written), at most `maxBytes` of it: past them the write stops and the file is deleted (null). */
async function writeSnapshot(file: string, maxBytes: number): Promise<number | null> {
  let bytes = 0;
  const overQuota = new Error('over the disk quota');
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > maxBytes ? overQuota : null, chunk);
    },
  });
  try {
    await pipeline(getHeapSnapshot(), cap, createWriteStream(file, { mode: 0o600, flags: 'wx' }));
    return bytes;
  } catch (error) {
    if (error !== overQuota) throw error;
    rmSync(file, { force: true });
    return null;
  }
}
