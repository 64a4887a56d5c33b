// Real saved runs for the report tests, made by heapdrift itself: a short map-leak run under
// this Node, a two-version matrix (this Node and 22.14.0), a bisection, and a run and a matrix
// whose CLI was killed mid-way (their records never finished). Cached on disk per build of the code that
// makes them, so the report test files share one set.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBisect } from '../src/run/bisect.js';
import { runScenario } from '../src/run/index.js';
import { runMatrix } from '../src/run/matrix.js';
import { nodeBinary } from './helpers/node-binaries.js';

const here = dirname(fileURLToPath(import.meta.url));
export const distRoot = join(here, '..');
export const cliPath = join(distRoot, 'src', 'cli', 'main.js');

/** Tracks of the fixture runs; the second one matches strings (`user-17`), whose contents stay out of records. */
export const fixtureTracks = ['sessionsByRequestId > table', 'LeakySession > user'];

export interface ReportFixture {
  runsDir: string;
  runDir: string;
  matrixDir: string;
  killedDir: string;
  /** A bisection of map-leak between 22.14.0 and 22.15.0 (both leak: no change point). */
  bisectDir: string;
  /** A matrix whose CLI was killed during its first run: matrix.json lists no run yet. */
  killedMatrixDir: string;
}

export async function reportFixture(): Promise<ReportFixture> {
  const root = join(tmpdir(), `heapdrift-report-fixture-${codeHash()}`);
  const index = join(root, 'fixture.json');
  if (!existsSync(index)) await makeOnce(root, index);
  return JSON.parse(readFileSync(index, 'utf8')) as ReportFixture;
}

/**
 * Records hold their own absolute directory, so the fixture is made where it stays; a lock
 * directory keeps two test files from making it at once, and fixture.json, written last,
 * says it is whole.
 */
async function makeOnce(root: string, index: string): Promise<void> {
  const lock = `${root}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(index)) return;
      if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    if (existsSync(index)) return;
    removeOlderFixtures(root);
    rmSync(root, { recursive: true, force: true });
    const fixture = await makeFixture(root);
    writeFileSync(index, JSON.stringify(fixture));
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function makeFixture(root: string): Promise<ReportFixture> {
  const runsDir = join(root, 'runs');
  mkdirSync(runsDir, { recursive: true });
  const run = await runScenario({
    scenario: 'map-leak',
    node: 'system',
    snapshots: 8,
    everyIterations: 10,
    warmupSnapshots: 1,
    track: fixtureTracks,
    runsDir,
    command: `heapdrift run map-leak --node system --snapshots 8 --every 10 --warmup 1 ${fixtureTracks.map((track) => `--track '${track}'`).join(' ')}`,
  });
  const matrix = await runMatrix({
    scenario: 'map-leak',
    nodes: ['system', nodeBinary('22.14.0')],
    snapshots: 4,
    everyIterations: 10,
    warmupSnapshots: 1,
    track: fixtureTracks,
    runsDir,
  });
  const bisect = await runBisect({
    scenario: 'map-leak',
    good: '22.15.0',
    bad: '22.14.0',
    snapshots: 6,
    everyIterations: 10,
    warmupSnapshots: 0,
    track: fixtureTracks.slice(0, 1),
    runsDir,
  });
  const killedRuns = join(root, 'killed');
  await killedCli(killedRuns, ['run', 'map-leak', '--node', 'system'], /snapshot 2\//);
  const killedMatrixRuns = join(root, 'killed-matrix');
  await killedCli(
    killedMatrixRuns,
    ['matrix', 'map-leak', '--node', 'system,system', '--jobs', '1'],
    /snapshot 1\//,
  );
  return {
    runsDir,
    runDir: run.directory,
    matrixDir: matrix.directory,
    bisectDir: bisect.directory,
    killedDir: join(killedRuns, readdirSync(killedRuns).find((name) => !name.startsWith('.'))!),
    killedMatrixDir: join(
      killedMatrixRuns,
      readdirSync(killedMatrixRuns).find((name) => name.includes('-matrix-'))!,
    ),
  };
}

/** The CLI killed with SIGKILL once its progress shows `progress`: nothing gets to finish the record. */
async function killedCli(runsDir: string, command: string[], progress: RegExp): Promise<void> {
  const child = spawn(
    process.execPath,
    [cliPath, ...command, '--snapshots', '30', '--every', '10', '--runs-dir', runsDir],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (progress.test(stderr)) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`the run was not killed (${code}): ${stderr}`)),
    );
  });
}

/** Fixtures of earlier builds of the code (and leftovers of older versions of this helper). */
function removeOlderFixtures(root: string): void {
  for (const name of readdirSync(tmpdir())) {
    const path = join(tmpdir(), name);
    if (/^heapdrift-report-fixture-[0-9a-f]{16}(\.tmp-\d+)?$/.test(name) && path !== root)
      rmSync(path, { recursive: true, force: true });
  }
}

/** Hash of the compiled code that makes and reads runs, so a changed build makes new ones. */
function codeHash(): string {
  const hash = createHash('sha256');
  for (const folder of ['run', 'capture', 'growth', 'scenarios', 'snapshot', 'analysis'])
    hashTree(join(distRoot, 'src', folder), hash);
  hash.update(process.version);
  return hash.digest('hex').slice(0, 16);
}

function hashTree(path: string, hash: ReturnType<typeof createHash>): void {
  for (const name of readdirSync(path).sort()) {
    const child = join(path, name);
    if (statSync(child).isDirectory()) hashTree(child, hash);
    else if (/\.(c|m)?js$/.test(name)) hash.update(name).update(readFileSync(child));
  }
}
