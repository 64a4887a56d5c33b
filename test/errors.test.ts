// The error contract: every ERR_HEAPDRIFT_* code the source can throw is documented in the
// README's table (codes are stable, so scripts may match on them), and errors of layers that
// keep their own class still count as user errors by their code.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isUserError, UserError } from '../src/errors.js';
import { SnapshotFormatError } from '../src/snapshot/errors.js';

const repository = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|cjs)$/.test(name) ? [path] : [];
  });
}

test('every error code in the source is in the README table', () => {
  const codes = new Set<string>();
  for (const file of sourceFiles(join(repository, 'src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/'(ERR_HEAPDRIFT_[A-Z_]+)'/g))
      codes.add(match[1]!);
  }
  assert.ok(codes.size >= 10, `found ${codes.size} codes`);
  const readme = readFileSync(join(repository, 'README.md'), 'utf8');
  const documented = new Set(
    [...readme.matchAll(/^\| `(ERR_HEAPDRIFT_[A-Z_]+)` \|/gm)].map((match) => match[1]!),
  );
  const missing = [...codes].filter((code) => !documented.has(code));
  assert.deepEqual(missing, [], 'codes thrown but not documented');
});

test('user errors: UserError with its code, and other classes by their ERR_HEAPDRIFT_ code', () => {
  assert.equal(new UserError('bad flag').code, 'ERR_HEAPDRIFT_USAGE');
  assert.ok(isUserError(new UserError('x', 'ERR_HEAPDRIFT_NOT_FOUND')));
  assert.ok(isUserError(new SnapshotFormatError('not a heap snapshot', 0)));
  assert.ok(!isUserError(new TypeError('a bug')));
  assert.ok(!isUserError(Object.assign(new Error('system'), { code: 'ENOENT' })));
});
