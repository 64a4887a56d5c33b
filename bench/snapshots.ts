// Realistic benchmark snapshots, generated once by bench/generate-heap.cjs and cached (under
// bench/results/tmp/ or $HEAPDRIFT_BENCH_DIR): generating the 1 GB one takes minutes.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SnapshotSize {
  label: string;
  /** Generator scale: measured on Node 20, size ≈ 0.5 MiB + 29.65 MiB per unit. */
  scale: number;
  /** Only with --large: it takes long for every tool. */
  large: boolean;
}

export const SNAPSHOT_SIZES: SnapshotSize[] = [
  { label: '50 MB', scale: 1.7, large: false },
  { label: '400 MB', scale: 13.5, large: false },
  { label: '1 GB', scale: 34.5, large: true },
];

const repository = fileURLToPath(new URL('../../', import.meta.url));
const generator = join(repository, 'bench', 'generate-heap.cjs');

export function benchDirectory(): string {
  return process.env['HEAPDRIFT_BENCH_DIR'] || join(repository, 'bench', 'results', 'tmp');
}

/** The cached snapshot of this size, generated first if missing; returns its path. */
export function ensureSnapshot(size: SnapshotSize, directory = benchDirectory()): string {
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `bench-${size.scale}.heapsnapshot`);
  if (existsSync(file) && statSync(file).mtimeMs > statSync(generator).mtimeMs) return file;
  // Written under a temporary name so that an interrupted run leaves no truncated cache.
  const partial = `${file}.partial`;
  const generated = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=16384', generator, partial, String(size.scale)],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (generated.status !== 0) throw new Error(`generating the ${size.label} snapshot failed`);
  renameSync(partial, file);
  return file;
}
