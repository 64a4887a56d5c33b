// Reports of real saved runs (made by heapdrift in report-fixture.ts): Markdown sections, JSON
// round trip, the self-contained HTML and its data, runs list, no colour codes when piped,
// interrupted runs marked incomplete, and one-line errors for newer or missing records.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { colorFor, isStringClass, type SavedEntry } from '../src/report/index.js';
import type { BisectRecord, MatrixRecord, RunRecord } from '../src/run/result.js';
import { cliPath, fixtureTracks, type ReportFixture, reportFixture } from './report-fixture.js';

let fixture: ReportFixture;
let run: RunRecord;
let matrix: MatrixRecord;

function heapdrift(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** The data block the HTML report's charts are drawn from. */
function embeddedData(html: string): {
  charts: { kind: string; title: string; lines: { label: string; y: number[]; verdict: string }[] }[];
} {
  const match = /<script type="application\/json" id="heapdrift-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, 'the HTML report embeds its data');
  return JSON.parse(match[1]!);
}

before(async () => {
  fixture = await reportFixture();
  run = readJson<RunRecord>(join(fixture.runDir, 'run.json'));
  matrix = readJson<MatrixRecord>(join(fixture.matrixDir, 'matrix.json'));
});

describe('the fixture is what the tests assume', () => {
  test('a finished run with both tracks, a two-version matrix, a string-valued track', () => {
    assert.equal(run.status, 'complete');
    assert.deepEqual(
      run.tracks.map((track) => track.name),
      fixtureTracks,
    );
    assert.equal(matrix.runs.length, 2);
    assert.notEqual(matrix.runs[0]!.runtime.version, matrix.runs[1]!.runtime.version);
    const userTrack = run.tracks[1]!;
    assert.ok(isStringClass(userTrack.className), `"${userTrack.className}" is a string class`);
    // Runs record no string contents at all: the match of a string track has no name.
    assert.equal(userTrack.nodeName, null);
    assert.doesNotMatch(readFileSync(join(fixture.runDir, 'run.json'), 'utf8'), /user-\d/);
  });
});

describe('heapdrift report --format md', () => {
  test('has the bug-report sections, filled from the record', () => {
    const { code, stdout, stderr } = heapdrift(['report', fixture.runDir, '--format', 'md']);
    assert.equal(code, 0, stderr);
    for (const heading of [
      '## Verdict',
      '## Environment',
      '## Reproduce',
      '### Scenario source',
      '## Tracked structures',
      '## Growing structures',
      '## Series',
    ])
      assert.ok(stdout.includes(`\n${heading}`), `section ${heading}`);
    assert.ok(stdout.includes(run.environment.os));
    assert.ok(stdout.includes(run.environment.cpu));
    assert.ok(stdout.includes(`| ${run.runtime.version} | ${run.runtime.v8Version} |`));
    assert.ok(stdout.includes(run.command));
    // The scenario's code itself, fenced.
    assert.ok(stdout.includes(readFileSync(run.scenario.file, 'utf8').trimEnd()));
    const shownVerdict =
      ({ leak: 'LEAK', 'no-leak': 'no leak' } as Record<string, string>)[run.verdict] ?? run.verdict;
    assert.ok(stdout.includes(`| **${shownVerdict}** | ${run.verdictReason} |`), 'the verdict and why');
    const growingSection = stdout.slice(
      stdout.indexOf('\n## Growing structures'),
      stdout.indexOf('\n## Series'),
    );
    for (const structure of run.structures.filter((entry) => entry.verdict === 'growing'))
      assert.ok(growingSection.includes(structure.path), `the retainer path of ${structure.label}`);
    assert.ok(stdout.includes(run.tracks[0]!.retainerPath!), "the first track's retainer path");
    // A series table row: the first iteration (0) with the track's first value.
    assert.match(stdout, /\| iterations \| Node /);
  });

  test('a matrix has one verdict row and one series column per Node.js version', () => {
    const { code, stdout } = heapdrift(['report', fixture.matrixDir, '--format', 'md']);
    assert.equal(code, 0);
    for (const matrixRun of matrix.runs) {
      assert.ok(stdout.includes(`| ${matrixRun.runtime.version} | ${matrixRun.runtime.v8Version} |`));
    }
    const header = `| iterations | Node ${matrix.runs[0]!.runtime.version} | Node ${matrix.runs[1]!.runtime.version} |`;
    assert.ok(stdout.includes(header), header);
  });
});

describe('a bisection', () => {
  test('md, html and text: the finding and a row per version, in version order', () => {
    const bisect = readJson<BisectRecord>(join(fixture.bisectDir, 'bisect.json'));
    assert.ok(bisect.runs.length >= 2);
    const versions = bisect.runs.map((entry) => entry.runtime.version).sort();
    const markdown = heapdrift(['report', fixture.bisectDir, '--format', 'md']);
    assert.equal(markdown.code, 0, markdown.stderr);
    assert.ok(
      markdown.stdout.includes(
        `Bisected between good \`${bisect.good.version}\` and bad \`${bisect.bad.version}\``,
      ),
    );
    const rows = versions.map((version) => markdown.stdout.indexOf(`\n| ${version} |`));
    assert.ok(
      rows.every((at) => at > 0),
      'a verdict row per version',
    );
    assert.deepEqual(
      rows,
      [...rows].sort((a, b) => a - b),
      'in version order',
    );
    const html = heapdrift(['report', fixture.bisectDir, '--format', 'html']);
    const track = embeddedData(html.stdout).charts.find((chart) => chart.kind === 'track');
    assert.deepEqual(
      track?.lines.map((line) => line.label),
      versions.map((version) => `Node ${version}`),
    );
    const text = heapdrift(['report', fixture.bisectDir]);
    assert.match(text.stdout, bisect.firstChanged ? /the verdict changes in/ : /no change point/);
  });
});

describe('heapdrift report --format json', () => {
  test('with --show-strings it is the saved record, unchanged', () => {
    const { code, stdout } = heapdrift(['report', fixture.runDir, '--format', 'json', '--show-strings']);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), run);
  });

  test('string contents in a record are hidden unless --show-strings (same schema)', () => {
    // Records made by heapdrift hold none (see the fixture test); a record that named a tracked
    // string's contents (an older or foreign writer) must still not leak them into a report.
    const directory = join(mkdtempSync(join(tmpdir(), 'heapdrift-report-')), 'named-string');
    cpSync(fixture.runDir, directory, { recursive: true });
    const named = structuredClone(run);
    named.tracks[1]!.nodeName = 'user-17-secret';
    writeFileSync(join(directory, 'run.json'), JSON.stringify(named));
    for (const format of ['json', 'md', 'html', 'text']) {
      const hidden = heapdrift(['report', directory, '--format', format]);
      assert.equal(hidden.code, 0);
      assert.ok(!hidden.stdout.includes('user-17-secret'), `${format}: hidden`);
    }
    const shown = JSON.parse(heapdrift(['report', directory, '--format', 'json']).stdout) as RunRecord;
    assert.match(shown.tracks[1]!.nodeName!, /hidden/);
    shown.tracks[1]!.nodeName = 'user-17-secret';
    assert.deepEqual(shown, named, 'nothing else changes');
    assert.deepEqual(
      JSON.parse(heapdrift(['report', directory, '--format', 'json', '--show-strings']).stdout),
      named,
    );
    assert.ok(
      heapdrift(['report', directory, '--format', 'html', '--show-strings']).stdout.includes(
        '<code>user-17-secret</code>',
      ),
    );
    assert.ok(
      heapdrift(['report', directory, '--format', 'md', '--show-strings']).stdout.includes(
        '`user-17-secret`',
      ),
    );
  });

  test('a matrix and a bisection round-trip too', () => {
    const { stdout } = heapdrift(['report', fixture.matrixDir, '--format', 'json', '--show-strings']);
    assert.deepEqual(JSON.parse(stdout), matrix);
    const bisect = heapdrift(['report', fixture.bisectDir, '--format', 'json']);
    assert.deepEqual(JSON.parse(bisect.stdout), readJson(join(fixture.bisectDir, 'bisect.json')));
  });
});

describe('heapdrift report --format html', () => {
  test('one self-contained file: the inlined uPlot, no external resource, the data of every series', () => {
    const directory = mkdtempSync(join(tmpdir(), 'heapdrift-report-'));
    const output = join(directory, 'report.html');
    const { code, stderr } = heapdrift(['report', fixture.matrixDir, '--output', output]);
    assert.equal(code, 0, stderr);
    assert.equal(statSync(output).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(directory), ['report.html'], 'no temporary file left');
    const html = readFileSync(output, 'utf8');
    const require = createRequire(import.meta.url);
    const uplot = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    assert.ok(html.includes(uplot), 'uPlot inlined');
    assert.doesNotMatch(html, /<script[^>]+src=|<link|@import|url\(http/i);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    const data = embeddedData(html);
    for (const name of fixtureTracks) {
      const chart = data.charts.find((candidate) => candidate.kind === 'track' && candidate.title === name);
      assert.ok(chart, `a chart of ${name}`);
      assert.deepEqual(
        chart.lines.map((line) => line.label),
        matrix.runs.map((matrixRun) => `Node ${matrixRun.runtime.version}`),
      );
      matrix.runs.forEach((matrixRun, index) => {
        const track = matrixRun.tracks.find((candidate) => candidate.name === name)!;
        assert.deepEqual(chart.lines[index]!.y, track.series);
        assert.equal(chart.lines[index]!.verdict, track.verdict);
      });
    }
    assert.ok(data.charts.some((chart) => chart.kind === 'heap'));
    assert.ok(html.includes(matrix.runs[0]!.environment.cpu));
  });
});

describe('terminal output and runs list', () => {
  test('piped output has no colour codes, whatever the terminal type', () => {
    for (const args of [
      ['report', fixture.runDir],
      ['report', fixture.matrixDir],
      ['runs', 'list', '--runs-dir', fixture.runsDir],
    ]) {
      const { code, stdout } = heapdrift(args, { TERM: 'xterm-256color' });
      assert.equal(code, 0);
      assert.ok(stdout.length > 0);
      assert.ok(!stdout.includes('\x1b'), `${args.join(' ')}: no escape codes`);
    }
  });

  test('colour only on a terminal without NO_COLOR', () => {
    assert.equal(colorFor({ isTTY: true }, {}), true);
    assert.equal(colorFor({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(colorFor({ isTTY: true }, { TERM: 'dumb' }), false);
    assert.equal(colorFor({ isTTY: false }, {}), false);
    assert.equal(colorFor({}, {}), false);
  });

  test('runs list --json lists the run and the matrix with their verdicts', () => {
    const { code, stdout } = heapdrift(['runs', 'list', '--runs-dir', fixture.runsDir, '--json']);
    assert.equal(code, 0);
    const entries = JSON.parse(stdout) as SavedEntry[];
    const runEntry = entries.find((entry) => entry.directory === fixture.runDir);
    assert.equal(runEntry?.verdict, run.verdict);
    assert.deepEqual(runEntry?.nodes, [run.runtime.version]);
    const matrixEntry = entries.find((entry) => entry.directory === fixture.matrixDir);
    assert.deepEqual(
      matrixEntry?.nodes,
      matrix.runs.map((matrixRun) => matrixRun.runtime.version),
    );
    assert.equal(matrixEntry?.status, 'complete');
    const bisectEntry = entries.find((entry) => entry.directory === fixture.bisectDir);
    assert.equal(bisectEntry?.kind, 'bisect');
    // The runs a matrix or bisection made are listed too, each in its own directory.
    assert.equal(
      entries.filter((entry) => entry.kind === 'run').length,
      1 + matrix.runs.length + readJson<BisectRecord>(join(fixture.bisectDir, 'bisect.json')).runs.length,
    );
  });
});

describe('interrupted, newer and missing records', () => {
  test('a run killed mid-way is reported with what it has, marked incomplete', () => {
    const killed = readJson<RunRecord>(join(fixture.killedDir, 'run.json'));
    assert.equal(killed.status, 'running', 'nothing finished the record');
    assert.ok(killed.snapshots.length >= 2);
    const markdown = heapdrift(['report', fixture.killedDir, '--format', 'md']);
    assert.equal(markdown.code, 0);
    assert.match(markdown.stdout, /\*\*INCOMPLETE\*\*: the run did not finish/);
    assert.match(markdown.stderr, /incomplete/);
    const html = heapdrift(['report', fixture.killedDir, '--format', 'html']);
    assert.match(html.stdout, /<div class="banner" id="incomplete"><strong>INCOMPLETE<\/strong>/);
    const data = embeddedData(html.stdout);
    assert.equal(
      data.charts.find((chart) => chart.kind === 'heap')!.lines[0]!.y.length,
      killed.snapshots.length,
    );
    const text = heapdrift(['report', fixture.killedDir]);
    assert.match(text.stdout, /^INCOMPLETE: /);
    const list = heapdrift(['runs', 'list', '--runs-dir', join(fixture.killedDir, '..')]);
    assert.match(list.stdout, /running \(or interrupted\)/);
  });

  test('a matrix killed during its first run: reported, with no run yet, marked incomplete', () => {
    const killed = readJson<MatrixRecord>(join(fixture.killedMatrixDir, 'matrix.json'));
    assert.equal(killed.runs.length, 0);
    assert.equal(killed.endedAt, null);
    const markdown = heapdrift(['report', fixture.killedMatrixDir, '--format', 'md']);
    assert.equal(markdown.code, 0, markdown.stderr);
    assert.match(markdown.stdout, /\*\*INCOMPLETE\*\*: the matrix did not finish: 0 of 2 runtimes ran/);
    assert.match(markdown.stdout, /No run finished yet\./);
    const html = heapdrift(['report', fixture.killedMatrixDir, '--format', 'html']);
    assert.equal(html.code, 0, html.stderr);
    assert.deepEqual(embeddedData(html.stdout).charts, []);
    const json = heapdrift(['report', fixture.killedMatrixDir, '--format', 'json']);
    assert.deepEqual(JSON.parse(json.stdout), killed);
    const list = JSON.parse(
      heapdrift(['runs', 'list', '--runs-dir', join(fixture.killedMatrixDir, '..'), '--json']).stdout,
    ) as SavedEntry[];
    assert.deepEqual(
      list.map((entry) => [entry.kind, entry.status]),
      [
        ['matrix', 'incomplete'],
        ['run', 'running (or interrupted)'],
      ],
    );
  });

  test('a record from a newer heapdrift: one line, exit 2', () => {
    const directory = join(mkdtempSync(join(tmpdir(), 'heapdrift-report-')), 'newer');
    cpSync(fixture.runDir, directory, { recursive: true });
    const file = join(directory, 'run.json');
    writeFileSync(file, JSON.stringify({ ...run, schemaVersion: 2 }));
    const { code, stdout, stderr } = heapdrift(['report', directory, '--format', 'md']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      `heapdrift: ERR_HEAPDRIFT_RECORD_VERSION: ${file}: schemaVersion 2 is newer than this heapdrift reads (1); upgrade heapdrift\n`,
    );
  });

  test('a missing directory or a directory without a record: one line, exit 2', () => {
    const missing = join(tmpdir(), 'heapdrift-no-such-run');
    const gone = heapdrift(['report', missing]);
    assert.equal(gone.code, 2);
    assert.equal(
      gone.stderr,
      `heapdrift: ERR_HEAPDRIFT_NOT_FOUND: ${missing}: no such run, matrix or bisect directory\n`,
    );
    const empty = mkdtempSync(join(tmpdir(), 'heapdrift-report-'));
    const none = heapdrift(['report', empty]);
    assert.equal(none.code, 2);
    assert.match(
      none.stderr,
      /^heapdrift: ERR_HEAPDRIFT_RECORD: .*: no run\.json, matrix\.json or bisect\.json here/,
    );
    const nowhere = heapdrift(['report', fixture.runDir, '--output', join(missing, 'report.md')]);
    assert.equal(nowhere.code, 2);
    assert.equal(
      nowhere.stderr,
      `heapdrift: ERR_HEAPDRIFT_NOT_FOUND: --output ${join(missing, 'report.md')}: the directory ${missing} does not exist\n`,
    );
    const badFormat = heapdrift(['report', fixture.runDir, '--format', 'pdf']);
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /--format "pdf": expected one of text, json, md, html/);
  });
});
