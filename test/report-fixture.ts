// Real saved runs for the report tests, made by heapdrift itself: a short map-leak run under
// this Node, a two-version matrix (this Node and 22.14.0), and a run whose CLI was killed
// mid-way (its run.json still says "running"). Cached on disk per build of the code that
// makes them, so the report test files share one set.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
}

export async function reportFixture(): Promise<ReportFixture> {
  const root = join(tmpdir(), `heapdrift-report-fixture-${codeHash()}`);
  if (!existsSync(join(root, 'done'))) await makeFixture(root);
  const runs = join(root, 'runs');
  const named = (pattern: RegExp) => join(runs, readdirSync(runs).find((name) => pattern.test(name))!);
  const killedRuns = join(root, 'killed');
  return {
    runsDir: runs,
    runDir: named(/-map-leak-node/),
    matrixDir: named(/-matrix-map-leak$/),
    killedDir: join(killedRuns, readdirSync(killedRuns)[0]!),
  };
}

async function makeFixture(root: string): Promise<void> {
  const staging = `${root}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const runsDir = join(staging, 'runs');
  mkdirSync(runsDir, { recursive: true });
  // The single run first, then the matrix (its runs are saved beside it, in their own
  // directories); the matrix uses a separate directory so `runs` holds one run and one matrix.
  await runScenario({
    scenario: 'map-leak',
    node: 'system',
    snapshots: 8,
    everyIterations: 10,
    warmupSnapshots: 1,
    track: fixtureTracks,
    runsDir,
    command: `heapdrift run map-leak --node system --snapshots 8 --every 10 --warmup 1 ${fixtureTracks.map((track) => `--track '${track}'`).join(' ')}`,
  });
  const matrixRuns = join(staging, 'matrix-runs');
  const matrix = await runMatrix({
    scenario: 'map-leak',
    nodes: ['system', nodeBinary('22.14.0')],
    snapshots: 4,
    everyIterations: 10,
    warmupSnapshots: 1,
    track: fixtureTracks,
    runsDir: matrixRuns,
  });
  renameSync(matrix.directory, join(runsDir, matrix.id));
  await killedRun(join(staging, 'killed'));
  mkdirSync(join(staging, 'done'));
  rmSync(root, { recursive: true, force: true });
  try {
    renameSync(staging, root);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(root, 'done'))) throw error;
  }
}

/** `heapdrift run` killed with SIGKILL after its second snapshot: nothing gets to finish the record. */
async function killedRun(runsDir: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      cliPath,
      'run',
      'map-leak',
      '--node',
      'system',
      '--snapshots',
      '30',
      '--every',
      '10',
      '--runs-dir',
      runsDir,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/snapshot 2\//.test(stderr)) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`the run was not killed (${code}): ${stderr}`)),
    );
  });
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
