// Heap snapshots written by real Node.js processes, cached by (version, fixture) so the
// many tests that read them do not rewrite them.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { nodeBinary, testCacheDir } from './node-binaries.js';

/**
 * Programs that build a heap with a bit of everything: classes, closures, strings with
 * escapes and non-ASCII text, Maps, Sets, WeakMaps, typed arrays, detached-looking data.
 * Each keeps its objects reachable from globalThis (Node 24 collects unused locals).
 */
export const fixturePrograms = {
  small: `
    class Point { constructor(x, y) { this.x = x; this.y = y; } }
    class Leaky { constructor(i) { this.id = i; this.payload = 'p' + i; } }
    const keep = globalThis.__fixture = {
      points: Array.from({ length: 200 }, (_, i) => new Point(i, i * 2)),
      map: new Map(Array.from({ length: 100 }, (_, i) => ['key' + i, new Leaky(i)])),
      set: new Set(['a', 'b', 'c']),
      weak: new WeakMap(),
      strings: ['quote " and backslash \\\\ and tab \\t', 'newline\\nhere', 'émoji 😀 ünïcödé 中文', 'lone \\ud800 surrogate', '\\u0001 control'],
      closures: Array.from({ length: 20 }, (_, i) => () => i),
      typed: new Float64Array(64),
      buffer: Buffer.alloc(128, 1),
    };
    for (const p of keep.points.slice(0, 10)) keep.weak.set(p, { note: 'weak value ' + p.x });
  `,
} as const;

export type FixtureName = keyof typeof fixturePrograms;

export interface SnapshotOptions {
  /** Track allocations through the inspector (HeapProfiler.startTrackingHeapObjects). */
  trackAllocations?: boolean;
}

/** Path of a heap snapshot of `fixture` written by Node `version` ('system' = this Node). */
export function realSnapshot(
  version: string,
  fixture: FixtureName = 'small',
  options: SnapshotOptions = {},
): string {
  const suffix = options.trackAllocations ? '-tracked' : '';
  const dir = join(testCacheDir, 'snapshots');
  const versionLabel = version === 'system' ? `system-${process.version.slice(1)}` : version;
  const file = join(dir, `${fixture}-${versionLabel}${suffix}.heapsnapshot`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const temporary = `${file}.tmp-${process.pid}`;
  const writer = options.trackAllocations ? trackedWriter(temporary) : plainWriter(temporary);
  execFileSync(nodeBinary(version), ['--expose-gc', '-e', `${fixturePrograms[fixture]}\n${writer}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  publishOnce(temporary, file);
  return file;
}

/**
 * Moves a freshly written snapshot into the cache unless another test process (another checkout
 * sharing the cache) published one first: the first writer wins, so a test that reads the cached
 * file twice never sees it replaced by a different snapshot in between.
 */
function publishOnce(temporary: string, file: string): void {
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

function plainWriter(file: string): string {
  return `gc(); require('v8').writeHeapSnapshot(${JSON.stringify(file)});`;
}

/** Writes through the in-process inspector with allocation tracking on, chunk by chunk. */
function trackedWriter(file: string): string {
  return `
    const inspector = require('inspector');
    const fs = require('fs');
    const session = new inspector.Session();
    session.connect();
    session.post('HeapProfiler.enable');
    session.post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
    globalThis.__more = Array.from({ length: 50 }, (_, i) => ({ tracked: i }));
    const fd = fs.openSync(${JSON.stringify(file)}, 'w', 0o600);
    session.on('HeapProfiler.addHeapSnapshotChunk', (m) => fs.writeSync(fd, m.params.chunk));
    session.post('HeapProfiler.takeHeapSnapshot', null, (err) => {
      if (err) throw err;
      fs.closeSync(fd);
      session.post('HeapProfiler.stopTrackingHeapObjects');
      session.disconnect();
    });
  `;
}

/**
 * A heap snapshot written by Node `version` after running `program` (which must keep what it
 * builds reachable from globalThis), cached by the program's hash.
 */
export function snapshotOfProgram(label: string, version: string, program: string): string {
  const hash = createHash('sha256').update(program).digest('hex').slice(0, 12);
  const dir = join(testCacheDir, 'snapshots');
  const file = join(dir, `${label}-${version}-${hash}.heapsnapshot`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const temporary = `${file}.tmp-${process.pid}`;
  execFileSync(nodeBinary(version), ['--expose-gc', '-e', `${program}\n${plainWriter(temporary)}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  publishOnce(temporary, file);
  return file;
}
