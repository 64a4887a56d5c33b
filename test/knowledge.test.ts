// The knowledge base as shipped: every entry parses, every range is what its committed records
// measured, and `doctor` answers from it (and, with --probe, runs the scenario live on a real
// runtime). Bad data files are refused with one line naming the file and field.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { UserError } from '../src/errors.js';
import {
  answerFor,
  defaultKnowledgeDir,
  loadEntry,
  loadKnowledgeBase,
  supportProblems,
} from '../src/knowledge/index.js';
import { testCacheDir } from './helpers/node-binaries.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const runsDir = mkdtempSync(join(tmpdir(), 'heapdrift-doctor-'));

function heapdrift(args: string[]) {
  const result = spawnSync(
    process.execPath,
    [cli, ...args, '--runs-dir', runsDir, '--cache-dir', testCacheDir],
    {
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('knowledge base data', () => {
  const entries = loadKnowledgeBase();

  test('ships retained-maps and only entries whose ranges their records support', () => {
    assert.ok(entries.some((loaded) => loaded.entry.id === 'retained-maps'));
    for (const loaded of entries) {
      assert.deepEqual(supportProblems(loaded), [], loaded.entry.id);
      assert.ok(loaded.entry.lines.length > 0, `${loaded.entry.id} has measured lines`);
      for (const line of loaded.entry.lines) {
        if (line.firstFixed) assert.equal(semver.major(line.firstFixed), line.line);
      }
    }
  });

  test('every record was measured by heapdrift on the version it names (no typed-in runs)', () => {
    for (const loaded of entries) {
      for (const [name, record] of loaded.records) {
        assert.ok(record.runs.length > 0, `${loaded.entry.id}/${name} has runs`);
        for (const run of record.runs) {
          assert.equal(run.kind, 'run');
          assert.equal(run.scenario.name, loaded.entry.scenario, `${name}: the entry's scenario`);
          assert.ok(run.runtime.path.endsWith(`-${run.runtime.version}/bin/node`), run.runtime.path);
          assert.ok(run.snapshots.length >= 3, `${name}: ${run.runtime.version} has its snapshot rows`);
          assert.ok(run.runtime.v8Version, `${name}: the runtime reported its V8 version`);
        }
      }
    }
  });

  test('a range its records contradict is reported', () => {
    const loaded = entries.find((item) => item.entry.id === 'retained-maps')!;
    const line22 = loaded.entry.lines.find((line) => line.line === 22)!;
    const wrong = {
      ...loaded,
      entry: {
        ...loaded.entry,
        lines: [{ ...line22, affected: '>=22.0.0 <22.10.0', firstFixed: '22.10.0' }],
      },
    };
    const problems = supportProblems(wrong);
    assert.ok(
      problems.some((problem) => problem.includes('measured "leak"')),
      problems.join('\n'),
    );
    assert.ok(problems.some((problem) => problem.includes('no complete bisection found 22.10.0')));
  });

  test('answers: affected before the measured fix, not after, not measured on unknown lines', () => {
    const { entry } = entries.find((item) => item.entry.id === 'retained-maps')!;
    assert.equal(answerFor(entry, '22.14.0').status, 'affected');
    assert.equal(answerFor(entry, '22.14.0').firstFixed, '22.15.0');
    assert.equal(answerFor(entry, '22.15.0').status, 'not-affected');
    assert.equal(answerFor(entry, '20.20.2').status, 'not-affected');
    assert.equal(answerFor(entry, '18.20.0').status, 'not-measured');
  });

  test('a damaged entry is refused with one line naming the file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heapdrift-kb-'));
    cpSync(join(defaultKnowledgeDir(), 'retained-maps'), dir, { recursive: true });
    const file = join(dir, 'entry.json');
    const entry = JSON.parse(readFileSync(file, 'utf8'));
    entry.lines[0].affected = 'sometimes';
    writeFileSync(file, JSON.stringify(entry));
    assert.throws(
      () => loadEntry(dir),
      (error: unknown) =>
        error instanceof UserError &&
        error.code === 'ERR_HEAPDRIFT_KNOWLEDGE' &&
        /entry\.json: lines\[0\]\.affected: "sometimes" is not a semver range/.test(error.message),
    );
  });
});

describe('heapdrift doctor', () => {
  test('an affected version: exit 1, the known leak and its first fixed release', () => {
    const result = heapdrift(['doctor', '--node', '22.14.0', '--json']);
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.kind, 'doctor');
    const row = report.entries.find((item: { id: string }) => item.id === 'retained-maps');
    assert.equal(row.status, 'affected');
    assert.equal(row.firstFixed, '22.15.0');
    const text = heapdrift(['doctor', '--node', '22.14.0']);
    assert.match(text.stdout, /retained-maps\s+AFFECTED\s+upgrade to 22\.15\.0 or later/);
  });

  test('a fixed version: exit 0, nothing affected', () => {
    const result = heapdrift(['doctor', '--node', '24.21.0', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.ok(report.entries.every((row: { status: string }) => row.status === 'not-affected'));
  });

  test('--probe runs the scenario live: the verdict agrees with the knowledge base on 22.14.0', () => {
    const result = heapdrift([
      'doctor',
      '--node',
      '22.14.0',
      '--probe',
      '--only',
      'retained-maps',
      '--json',
      '--quiet',
    ]);
    assert.equal(result.status, 1, result.stderr);
    const [row] = JSON.parse(result.stdout).entries;
    assert.equal(row.status, 'affected');
    assert.equal(row.probe.verdict, 'leak', row.probe.reason);
  });

  test('an unknown entry id is one line, exit 2', () => {
    const result = heapdrift(['doctor', '--node', '22.14.0', '--only', 'nope']);
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /^heapdrift: ERR_HEAPDRIFT_OPTION: --only: no knowledge-base entry nope \(known: .*\)\n$/,
    );
  });
});
