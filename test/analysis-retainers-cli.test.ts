// `heapdrift retainers` as users run it: a real child process on a real snapshot; paths must
// match the library's, read root-first, and an unknown id must give one line and exit 2.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findRetainerPaths, formatRetainerPath } from '../src/analysis/retainers.js';
import { graphFromJsonFile } from './helpers/json-graph.js';
import { realSnapshot } from './helpers/snapshots.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function heapdrift(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('heapdrift retainers (CLI)', () => {
  const file = realSnapshot('system');
  const graph = graphFromJsonFile(file);
  // The fixture's Map holds 100 Leaky objects; take one.
  let leaky = -1;
  for (let ordinal = 0; ordinal < graph.nodeCount && leaky < 0; ordinal++) {
    if (graph.className(ordinal) === 'Leaky') leaky = ordinal;
  }
  const id = graph.nodeId(leaky);

  it('prints one versioned JSON object with the library’s paths', () => {
    const { code, stdout, stderr } = heapdrift('retainers', file, '--id', `@${id}`, '--json', '--paths', '3');
    assert.equal(code, 0, stderr);
    const output = JSON.parse(stdout);
    assert.equal(output.schemaVersion, 1);
    assert.equal(output.kind, 'retainers');
    assert.equal(output.target.id, id);
    assert.equal(output.target.className, 'Leaky');
    assert.equal(output.target.selfSize, graph.nodeSelfSize(leaky));
    assert.ok(output.target.retainedSize >= output.target.selfSize);
    assert.equal(output.reachable, true);
    assert.deepEqual(output.paths, findRetainerPaths(graph, leaky, { maxPaths: 3 }).paths);
    assert.ok(output.paths.length >= 1 && output.paths.length <= 3);
    for (const path of output.paths) {
      assert.ok(path.some((hop: { node: { className: string } }) => hop.node.className === 'Map'));
    }
  });

  it('prints root-first paths for humans', () => {
    const { code, stdout } = heapdrift(
      'retainers',
      file,
      '--id',
      String(id),
      '--paths',
      '2',
      '--depth',
      '30',
    );
    assert.equal(code, 0);
    const expected = findRetainerPaths(graph, leaky, { maxPaths: 2, maxDepth: 30 }).paths.map(
      formatRetainerPath,
    );
    for (const line of expected) assert.ok(stdout.includes(line), line);
    assert.match(stdout, new RegExp(`--table--> \\(array\\) @\\d+ --\\S+--> Leaky @${id}\\n`));
  });

  it('rejects an unknown id and bad limits with one line and exit 2', () => {
    for (const [args, message] of [
      [['--id', '999999999'], /--id 999999999: .* has no object with id 999999999$/],
      [['--id', 'abc'], /--id "abc"/],
      [['--id', String(id), '--depth', '0'], /--depth "0"/],
    ] as const) {
      const { code, stderr } = heapdrift('retainers', file, ...args);
      assert.equal(code, 2);
      const lines = stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0]!, /^heapdrift: /);
      assert.match(lines[0]!, message);
    }
  });
});
