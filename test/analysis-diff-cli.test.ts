// `heapdrift diff` as users run it: real child processes on real snapshots of Node 20 and 24.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { realSnapshot } from './helpers/snapshots.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function heapdrift(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('heapdrift diff (CLI)', () => {
  const node20 = realSnapshot('system');
  const node24 = realSnapshot('24.21.0');

  it('diffs two Node.js versions by class in one versioned JSON object', () => {
    const { code, stdout, stderr } = heapdrift('diff', node20, node24, '--json', '--top', '7');
    assert.equal(code, 0, stderr);
    const output = JSON.parse(stdout);
    assert.equal(output.schemaVersion, 1);
    assert.equal(output.kind, 'diff');
    assert.equal(output.mode, 'class');
    assert.equal(output.before.file, node20);
    assert.equal(output.after.file, node24);
    assert.equal(output.classes.length, 7);
    assert.ok(output.classCount > 7);
    for (const row of output.classes) {
      assert.equal(row.sizeDelta, row.afterSize - row.beforeSize);
      assert.equal(row.addedCount, null);
    }
  });

  it('diffs a snapshot against itself by id: nothing new, nothing deleted', () => {
    const { code, stdout } = heapdrift('diff', node20, node20, '--json');
    assert.equal(code, 0);
    const output = JSON.parse(stdout);
    assert.equal(output.mode, 'id');
    assert.equal(output.ids.added, 0);
    assert.equal(output.ids.removed, 0);
    assert.equal(output.ids.kept, output.before.nodeCount);
    const text = heapdrift('diff', node20, node20);
    assert.match(text.stdout, /compared by id/);
    assert.match(text.stdout, /no class changed in count or size/);
  });

  it('prints a table for humans', () => {
    const { code, stdout } = heapdrift('diff', node20, node24, '--top', '3');
    assert.equal(code, 0);
    assert.match(stdout, /compared by class \(different snapshot formats: not one process\)/);
    assert.match(stdout, /size Δ +count Δ +count +size +class/);
    assert.match(stdout, /more classes: raise --top/);
    const internals = heapdrift('diff', node20, node24, '--top', '40', '--internals', '--json');
    assert.equal(internals.code, 0);
    const classes = JSON.parse(internals.stdout).classes.map((row: { className: string }) => row.className);
    assert.ok(
      classes.some((name: string) => name.startsWith('system / ')),
      classes.join(', '),
    );
  });

  it('rejects bad flags and an id diff across versions with one line and exit 2', () => {
    for (const [args, message] of [
      [['--by', 'name'], /--by "name": expected auto, id or class/],
      [['--by', 'id'], /cannot diff by id: the two snapshots have different formats/],
      [['--top', '-1'], /--top "-1"/],
    ] as const) {
      const { code, stderr } = heapdrift('diff', node20, node24, ...args);
      assert.equal(code, 2, stderr);
      const lines = stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0]!, /^heapdrift: /);
      assert.match(lines[0]!, message);
    }
  });
});
