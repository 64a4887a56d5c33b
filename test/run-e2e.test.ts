// The main job end to end, as a user runs it: the CLI in a child process, real runtimes from
// the registry, real scenarios. Verdicts, exit codes, the saved run and its privacy.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BisectRecord, MatrixRecord, RunRecord } from '../src/run/index.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const runsDir = mkdtempSync(join(tmpdir(), 'heapdrift-e2e-'));

function heapdrift(args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args, '--runs-dir', runsDir], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('retained-maps across two real runtimes', () => {
  test('matrix: leak on 22.14.0, none on 22.15.0, exit 1, saved privately', () => {
    // Every snapshot (the stopping rule off): the growth checks below are about the full run.
    const result = heapdrift([
      'matrix',
      'retained-maps',
      '--node',
      '22.14.0,22.15.0',
      '--no-until-settled',
      '--json',
    ]);
    assert.equal(result.status, 1, result.stderr);
    const matrix = JSON.parse(result.stdout) as MatrixRecord;
    assert.equal(matrix.schemaVersion, 1);
    assert.equal(matrix.kind, 'matrix');
    const [affected, fixed] = matrix.runs;
    assert.equal(affected!.runtime.version, '22.14.0');
    assert.equal(fixed!.runtime.version, '22.15.0');
    assert.equal(affected!.verdict, 'leak', affected!.verdictReason);
    assert.equal(fixed!.verdict, 'no-leak', fixed!.verdictReason);
    for (const run of matrix.runs) {
      assert.equal(run.status, 'complete');
      const track = run.tracks.find((candidate) => candidate.name === 'NativeContext > retained_maps');
      assert.ok(track, 'the scenario tracks retained_maps');
      assert.equal(track.nodeName, 'system / WeakArrayList');
      assert.ok(track.retainerPath?.includes('retained_maps'));
      assert.ok(track.samples >= 6);
      const runFile = join(run.directory, 'run.json');
      assert.equal(statSync(runFile).mode & 0o777, 0o600);
      assert.equal(statSync(run.directory).mode & 0o777, 0o700);
      const saved = JSON.parse(readFileSync(runFile, 'utf8')) as RunRecord;
      assert.equal(saved.verdict, run.verdict);
      assert.ok(!readdirSync(run.directory).includes('snapshots'), 'snapshots are deleted by default');
    }
    const growing = affected!.tracks[0]!;
    assert.equal(growing.verdict, 'growing');
    assert.ok(growing.slopePerHour > 0);
    assert.ok(growing.measurements.selfSize.at(-1)! > 8 * growing.measurements.selfSize[1]!);
    assert.equal(fixed!.tracks[0]!.verdict, 'stable');
    // The automatic discovery finds the same structure without being told where it is, and judges
    // it with what the scenario knows of it (its step limit), as the track is judged: by the rules
    // alone, a run that ends between two ×1.5 capacity steps, or whose steps pause under load,
    // reads as a high-water mark (growth-retained-maps.test.ts).
    assert.ok(
      affected!.structures.some(
        (structure) => structure.verdict === 'growing' && structure.path.includes('retained_maps'),
      ),
      'discovery names retained_maps',
    );
  });
});

describe('bisect over real releases', () => {
  test('names 22.15.0 as the first 22.x release without the retained_maps leak', () => {
    // A narrow range keeps CI short; scripts/acceptance.mjs bisects all of 22.x.
    const result = heapdrift([
      'bisect',
      'retained-maps',
      '--bad',
      '22.13.1',
      '--good',
      '22.16.0',
      '--json',
      '--quiet',
    ]);
    assert.equal(result.status, 0, result.stderr);
    const bisect = JSON.parse(result.stdout) as BisectRecord;
    assert.equal(bisect.kind, 'bisect');
    assert.equal(bisect.status, 'complete', bisect.reason);
    assert.equal(bisect.firstChanged, '22.15.0', bisect.reason);
    assert.equal(bisect.lastBefore, '22.14.0');
    const verdicts = new Map(bisect.runs.map((run) => [run.runtime.version, run.verdict]));
    assert.equal(verdicts.get('22.13.1'), 'leak');
    assert.equal(verdicts.get('22.16.0'), 'no-leak');
    assert.equal(verdicts.get('22.15.0'), 'no-leak');
    assert.equal(verdicts.get('22.14.0'), 'leak');
  });
});

describe("the user-level scenarios on this machine's Node", () => {
  test('map-leak: leak, and the growing class is named', () => {
    const result = heapdrift(['run', 'map-leak', '--node', 'system', '--json']);
    assert.equal(result.status, 1, result.stderr);
    const run = JSON.parse(result.stdout) as RunRecord;
    assert.equal(run.verdict, 'leak');
    assert.ok(run.classes.some((entry) => entry.className === 'LeakySession' && entry.verdict === 'growing'));
    assert.ok(
      run.structures.some(
        (structure) => structure.verdict === 'growing' && structure.path.includes('LeakySession'),
      ),
    );
  });

  test('churn-objects (negative control): no leak, exit 0', () => {
    const result = heapdrift(['run', 'churn-objects', '--node', 'system', '--json']);
    const run = JSON.parse(result.stdout) as RunRecord;
    assert.equal(run.verdict, 'no-leak', run.verdictReason);
    assert.equal(result.status, 0);
  });

  test('human output: verdict table on stdout, progress on stderr, no colour when piped', () => {
    const result = heapdrift(['run', 'map-leak', '--node', 'system', '--snapshots', '8']);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /map-leak on Node \d+\.\d+\.\d+ .*: LEAK/);
    assert.match(result.stdout, /Top growing structures/);
    assert.match(result.stderr, /snapshot 8\/8/);
    assert.doesNotMatch(result.stdout + result.stderr, /\x1b\[/);
  });
});

describe('an interrupted run keeps its samples', () => {
  test('SIGINT mid-run: verdict incomplete, samples and snapshots so far saved, exit 2', async () => {
    const child = spawn(
      process.execPath,
      [cli, 'run', 'map-leak', '--node', 'system', '--snapshots', '40', '--json', '--runs-dir', runsDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    let interrupted = false;
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (!interrupted && /snapshot 5\//.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2, stderr);
    const run = JSON.parse(stdout) as RunRecord;
    assert.equal(run.verdict, 'incomplete');
    assert.equal(run.status, 'incomplete');
    assert.ok(run.snapshots.length >= 5, `kept ${run.snapshots.length} snapshots`);
    const samples = readFileSync(join(run.directory, 'samples.jsonl'), 'utf8').trim().split('\n');
    assert.ok(samples.filter((line) => line.includes('"type":"snapshot"')).length >= 5);
  });
});

describe('bad input', () => {
  test('an unknown scenario and an unknown version: one line, exit 2', () => {
    for (const args of [
      ['run', 'no-such-scenario'],
      ['run', 'map-leak', '--node', '22.99.0'],
      ['run', 'map-leak', '--snapshots', 'many'],
    ]) {
      const result = heapdrift(args);
      assert.equal(result.status, 2, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^heapdrift: /);
    }
  });
});
