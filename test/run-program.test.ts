// The user's own program, run as a newcomer would: its crash is shown, its output kept (0600),
// its arguments, runtime flags and environment reach it and are recorded; TypeScript runs where
// the runtime strips types and is refused in one line elsewhere; bad flags fail before any work.
// Real CLI processes and real runtimes throughout.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { MatrixRecord, RunRecord } from '../src/run/index.js';
import { nodeBinary } from './helpers/node-binaries.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'heapdrift-program-'));
const programs = join(scratch, 'programs');
mkdirSync(programs);

function program(name: string, source: string): string {
  const file = join(programs, name);
  writeFileSync(file, source);
  return file;
}

/** The runs directory goes right after the command: anything after `--` belongs to the program. */
function heapdrift([command, ...args]: string[], runsDir: string) {
  const result = spawnSync(process.execPath, [cli, command!, '--runs-dir', runsDir, ...args], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function onlyRun(runsDir: string): RunRecord {
  const [name] = readdirSync(runsDir).filter((entry) => !entry.startsWith('.'));
  return JSON.parse(readFileSync(join(runsDir, name!, 'run.json'), 'utf8')) as RunRecord;
}

function assertOneErrorLine(stderr: string, code: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.ok(lines[0]!.startsWith(`heapdrift: ${code}: `), stderr);
  assert.match(lines[0]!, pattern);
}

const quick = ['--snapshots', '3', '--every', '300ms', '--warmup', '0', '--quiet'];

describe("the program's own output", () => {
  test('a script that throws at load: its error is shown, its output kept 0600', () => {
    const runsDir = join(scratch, 'crash');
    const file = program(
      'needs-config.js',
      "console.log('connecting');\nthrow new Error('DATABASE_URL missing');\n",
    );
    const result = heapdrift(['run', file, '--node', 'system', ...quick], runsDir);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stdout, /crashed, exit code 1/);
    assert.match(result.stdout, /│ Error: DATABASE_URL missing/);
    assert.match(result.stdout, /│ throw new Error\('DATABASE_URL missing'\);/);
    const record = onlyRun(runsDir);
    assert.equal(record.status, 'incomplete');
    assert.equal(record.exit?.reason, 'crashed');
    assert.ok(
      record.exit?.lastStderr?.includes('Error: DATABASE_URL missing'),
      record.exit?.lastStderr?.join('\n'),
    );
    const stderrLog = join(record.directory, record.output!.stderr);
    const stdoutLog = join(record.directory, record.output!.stdout);
    assert.match(readFileSync(stderrLog, 'utf8'), /Error: DATABASE_URL missing\n\s+at /);
    assert.equal(readFileSync(stdoutLog, 'utf8'), 'connecting\n');
    for (const log of [stderrLog, stdoutLog]) assert.equal(statSync(log).mode & 0o777, 0o600, log);
  });

  test('a syntax error is shown with its line', () => {
    const runsDir = join(scratch, 'syntax');
    const file = program('broken.js', 'const ready = ;\n');
    const result = heapdrift(['run', file, '--node', 'system', ...quick], runsDir);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stdout, /│ SyntaxError: Unexpected token/);
    assert.match(result.stdout, /│ const ready = ;/);
  });

  test('--inherit-output passes the output through live, on stderr', () => {
    const runsDir = join(scratch, 'inherit');
    const file = program(
      'chatty.js',
      "console.log('hello from the program');\nsetInterval(() => {}, 1000);\n",
    );
    const result = heapdrift(
      [
        'run',
        file,
        '--node',
        'system',
        '--every',
        '300ms',
        '--duration',
        '2s',
        '--quiet',
        '--inherit-output',
      ],
      runsDir,
    );
    assert.match(result.stderr, /hello from the program/);
    assert.doesNotMatch(result.stdout, /hello from the program/, 'results on stdout stay clean');
    // A --duration run has no snapshot count: the report says how long it ran instead of "0 snapshots".
    const markdown = spawnSync(
      process.execPath,
      [cli, 'report', onlyRun(runsDir).directory, '--format', 'md'],
      {
        encoding: 'utf8',
      },
    );
    assert.match(markdown.stdout, /Schedule: a snapshot every 300 ms for 2\.0 s, the first 2 ignored/);
  });
});

describe('arguments, runtime flags and environment', () => {
  test('reach the program, and are recorded with a reproduce command', () => {
    const runsDir = join(scratch, 'arguments');
    const file = program(
      'service.js',
      [
        'const seen = { args: process.argv.slice(2), flags: process.execArgv, port: process.env.PORT };',
        'console.log(JSON.stringify(seen));',
        'setInterval(() => {}, 1000);',
      ].join('\n'),
    );
    const result = heapdrift(
      [
        'run',
        file,
        '--node',
        'system',
        ...quick,
        '--env',
        'PORT=3000',
        '--node-arg',
        '--max-old-space-size=96',
        '--node-arg=--stack-size=900',
        '--',
        '--port',
        '3000',
        'two words',
      ],
      runsDir,
    );
    assert.equal(result.stderr, '');
    const record = onlyRun(runsDir);
    const seen = JSON.parse(readFileSync(join(record.directory, 'stdout.log'), 'utf8'));
    assert.deepEqual(seen.args, ['--port', '3000', 'two words']);
    assert.ok(seen.flags.includes('--max-old-space-size=96'), seen.flags);
    assert.ok(seen.flags.includes('--stack-size=900'), seen.flags);
    assert.equal(seen.port, '3000');
    assert.deepEqual(record.invocation, {
      nodeArgs: ['--max-old-space-size=96', '--stack-size=900'],
      scriptArgs: ['--port', '3000', 'two words'],
      env: { PORT: '3000' },
    });
    assert.match(record.command, / --env PORT=3000 /);
    assert.match(record.command, / -- --port 3000 'two words'$/);
    assert.match(record.command, /^heapdrift run --runs-dir /);
    const markdown = spawnSync(process.execPath, [cli, 'report', record.directory, '--format', 'md'], {
      encoding: 'utf8',
    });
    assert.ok(markdown.stdout.includes(record.command), 'the Markdown report shows the reproduce command');
  });

  test('matrix takes the same flags, and each run records a command that reproduces it', () => {
    const runsDir = join(scratch, 'matrix-arguments');
    const file = program(
      'argv.js',
      'console.log(process.argv.slice(2).join(","));\nsetInterval(() => {}, 1000);\n',
    );
    const result = heapdrift(
      [
        'matrix',
        file,
        '--node',
        'system',
        ...quick,
        '--json',
        '--node-arg=--max-old-space-size=80',
        '--',
        'a b',
      ],
      runsDir,
    );
    const matrix = JSON.parse(result.stdout) as MatrixRecord;
    const [run] = matrix.runs;
    assert.equal(readFileSync(join(run!.directory, 'stdout.log'), 'utf8'), 'a b\n');
    assert.match(
      run!.command,
      // A matrix stops once its verdict is settled, so its runs reproduce with --until-settled.
      /^heapdrift run \S+ --node system --snapshots 3 .*--node-arg=--max-old-space-size=80 --until-settled -- 'a b'$/,
    );
  });
});

describe('TypeScript scenarios', () => {
  const source = [
    'const kept: Array<{ payload: string }> = [];',
    'export function iteration(i: number): void {',
    "  kept.push({ payload: 'item ' + i });",
    '}',
  ].join('\n');

  for (const version of ['24.21.0', '22.14.0']) {
    test(`run on Node ${version}, which strips types${version === '22.14.0' ? ' behind a flag heapdrift adds' : ''}`, () => {
      const runsDir = join(scratch, `ts-${version}`);
      const file = program(`scenario-${version}.ts`, source);
      const result = heapdrift(
        [
          'run',
          file,
          '--node',
          nodeBinary(version),
          '--snapshots',
          '3',
          '--every',
          '50',
          '--quiet',
          '--json',
        ],
        runsDir,
      );
      const record = JSON.parse(result.stdout) as RunRecord;
      assert.equal(
        record.status,
        'complete',
        `${record.verdictReason}\n${record.exit?.lastStderr?.join('\n')}`,
      );
      assert.equal(record.scenario.mode, 'iterations');
      assert.equal(record.snapshots.at(-1)?.iteration, 100);
    });
  }

  test('on Node 20 it is refused in one line, before the program starts', () => {
    const runsDir = join(scratch, 'ts-20');
    const file = program('scenario-20.ts', source);
    const result = heapdrift(['run', file, '--node', 'system', ...quick], runsDir);
    assert.equal(result.status, 2);
    assertOneErrorLine(
      result.stderr,
      'ERR_HEAPDRIFT_TYPESCRIPT',
      /Node 20\.\d+\.\d+ cannot run TypeScript.*--import=tsx/,
    );
    assert.equal(result.stdout, '');
    assert.ok(!existsSync(runsDir), 'no run was started');
  });
});

describe('bad flags fail before any work', () => {
  const cacheDir = join(scratch, 'never-created-cache');
  const cases: [string[], string, RegExp][] = [
    [
      ['run', 'map-leak', '--track', 'Map >> table'],
      'ERR_HEAPDRIFT_PATH_PATTERN',
      /--track "Map >> table": step 2 is empty/,
    ],
    [
      ['run', 'map-leak', '--env', 'NOT VALID'],
      'ERR_HEAPDRIFT_USAGE',
      /--env "NOT VALID": expected NAME=value/,
    ],
    [
      ['run', 'map-leak', '--node-arg', 'max-old-space-size=64'],
      'ERR_HEAPDRIFT_USAGE',
      /--node-arg "max-old-space-size=64"/,
    ],
    [['run', 'map-leak', '--every', 'soon'], 'ERR_HEAPDRIFT_USAGE', /--every "soon"/],
    [['matrix', 'map-leak', '--node', '21.1.0,twenty'], 'ERR_HEAPDRIFT_RUNTIME_SPEC', /node spec "twenty"/],
    [['bisect', 'map-leak', '--good', '21.1.0'], 'ERR_HEAPDRIFT_USAGE', /give --good and --bad/],
    [
      ['run', 'map-leak', 'extra', '--unknown-flag'],
      'ERR_HEAPDRIFT_USAGE',
      /unknown option '--unknown-flag'/,
    ],
  ];
  for (const [args, code, pattern] of cases) {
    test(`heapdrift ${args.join(' ')}`, () => {
      const runsDir = join(scratch, `bad-${args.join('-').replace(/\W+/g, '_')}`);
      const withNode = args.includes('--node') || args[0] === 'bisect' ? args : [...args, '--node', '21.1.0'];
      const result = heapdrift([...withNode, '--cache-dir', cacheDir], runsDir);
      assert.equal(result.status, 2);
      assertOneErrorLine(result.stderr, code, pattern);
      assert.ok(!existsSync(cacheDir), 'no runtime was resolved');
      assert.ok(!existsSync(runsDir), 'no run was started');
    });
  }
});

describe('the runs directory', () => {
  test('heapdrift creates it with a .gitignore of everything; matrix stops on SIGTERM, keeping its samples', async () => {
    const project = join(scratch, 'project');
    mkdirSync(project);
    const file = program(
      'forever.js',
      'const kept = [];\nsetInterval(() => kept.push(new Array(100)), 5);\n',
    );
    const child = spawn(
      process.execPath,
      [cli, 'matrix', file, '--node', 'system,system', '--every', '300ms', '--snapshots', '50', '--json'],
      { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (/snapshot 3\//.test(stderr)) child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 2, stderr);
    const matrix = JSON.parse(stdout) as MatrixRecord;
    assert.equal(matrix.runs.length, 1, 'the second run never started');
    assert.equal(matrix.runs[0]!.status, 'incomplete');
    assert.ok(matrix.runs[0]!.snapshots.length >= 3);
    assert.equal(
      readFileSync(join(project, '.heapdrift', '.gitignore'), 'utf8')
        .split('\n')
        .at(-2),
      '*',
    );
  });
});
