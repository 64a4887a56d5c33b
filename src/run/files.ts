// Private files of a run: directories 0700, files 0600, whole files written atomically
// (a temporary name, then rename) so a reader never sees a half-written one.

import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function makePrivateDirectory(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}

export function writeJsonAtomically(file: string, value: unknown): void {
  const temporary = join(dirname(file), `.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

export function appendJsonLine(file: string, value: unknown): void {
  appendFileSync(file, `${JSON.stringify(value)}\n`, { mode: 0o600 });
}
