// Private files of a run: directories 0700, files 0600, whole files written atomically
// (a temporary name, then rename) so a reader never sees a half-written one.

import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function makePrivateDirectory(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}

/**
 * The directory runs are saved in. When heapdrift creates it (`.heapdrift/runs` in the user's
 * project, by default), the top directory it created gets a `.gitignore` of `*`, as pytest's and
 * ruff's caches do: runs may hold heap snapshots, and snapshots hold secrets.
 */
export function makeRunsDirectory(runsDir: string): void {
  const created = mkdirSync(runsDir, { recursive: true, mode: 0o700 });
  if (created === undefined) return;
  writeFileSync(
    join(created, '.gitignore'),
    '# Created by heapdrift: runs may hold heap snapshots (and so secrets); never commit them.\n*\n',
    { mode: 0o600 },
  );
}

export function writeJsonAtomically(file: string, value: unknown): void {
  const temporary = join(dirname(file), `.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

export function appendJsonLine(file: string, value: unknown): void {
  appendFileSync(file, `${JSON.stringify(value)}\n`, { mode: 0o600 });
}
