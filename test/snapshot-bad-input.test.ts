// Bad input to the reader: each case must give a SnapshotFormatError whose one-line message
// names the file and the problem (and the byte offset where there is one); the CLI turns it
// into one line on stderr and exit code 2. A fuzz pass mutates and truncates a real snapshot.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HeapSnapshotParser, readHeapSnapshot, SnapshotFormatError } from '../src/snapshot/index.js';
import { realSnapshot } from './helpers/snapshots.js';

const workDir = mkdtempSync(join(tmpdir(), 'heapdrift-bad-input-'));
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

const meta = {
  node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
  node_types: [['hidden', 'object'], 'string', 'number', 'number', 'number'],
  edge_fields: ['type', 'name_or_index', 'to_node'],
  edge_types: [['element', 'property'], 'string_or_number', 'node'],
};
const valid = {
  snapshot: { meta, node_count: 2, edge_count: 1 },
  nodes: [0, 0, 1, 0, 1, 1, 1, 3, 16, 0],
  edges: [1, 1, 5],
  strings: ['', 'name'],
};

function withChanges(changes: Record<string, unknown>): string {
  return JSON.stringify({ ...valid, ...changes });
}

let fileCounter = 0;
function writeInput(content: string | Buffer): string {
  const file = join(workDir, `case-${fileCounter++}.heapsnapshot`);
  writeFileSync(file, content);
  return file;
}

async function readError(file: string): Promise<SnapshotFormatError> {
  try {
    await readHeapSnapshot(file);
  } catch (error) {
    assert.ok(error instanceof SnapshotFormatError, `expected a SnapshotFormatError, got ${String(error)}`);
    assert.ok(error.message.startsWith(`${file}: `), `message names the file: ${error.message}`);
    assert.ok(!error.message.includes('\n'), 'one line');
    return error;
  }
  return assert.fail('the input was accepted');
}

const cases: { name: string; content: string | Buffer; message: RegExp; offset?: boolean }[] = [
  { name: 'an empty file', content: '', message: /the file is empty/ },
  {
    name: 'binary data',
    content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]),
    message: /not a heap snapshot: expected a JSON object at byte 0/,
  },
  {
    name: 'JSON that is not a snapshot',
    content: '{"name":"package","version":"1.0.0"}',
    message: /no "snapshot" header/,
  },
  { name: 'a JSON array', content: '[1,2,3]', message: /not a heap snapshot/ },
  {
    name: 'a missing meta',
    content: withChanges({ snapshot: { node_count: 2 } }),
    message: /snapshot\.meta is missing/,
  },
  {
    name: 'a meta without node ids',
    content: withChanges({
      snapshot: { meta: { ...meta, node_fields: ['type', 'name', 'self_size', 'edge_count'] } },
    }),
    message: /node_fields has no "id" field/,
  },
  {
    name: 'an edge pointing past the nodes',
    content: withChanges({ edges: [1, 1, 50] }),
    message: /edge 0 points to nodes\[50\]/,
  },
  {
    name: 'an edge pointing inside a node',
    content: withChanges({ edges: [1, 1, 3] }),
    message: /edge 0 points to nodes\[3\]/,
  },
  {
    name: 'edge counts that disagree with the edges',
    content: withChanges({ edges: [1, 1, 5, 1, 1, 0] }),
    message: /edge counts add up to 1 but the edges array holds 2/,
  },
  {
    name: 'a nodes array cut mid-node',
    content: withChanges({ nodes: [0, 0, 1, 0, 1, 1, 1, 3] }),
    message: /not a multiple of the 5 node fields/,
  },
  {
    name: 'a node name past the strings',
    content: withChanges({ nodes: [0, 0, 1, 0, 1, 1, 9, 3, 16, 0] }),
    message: /names string 9, past the 2 strings/,
  },
  {
    name: 'an unknown node type',
    content: withChanges({ nodes: [0, 0, 1, 0, 1, 7, 1, 3, 16, 0] }),
    message: /unknown type 7/,
  },
  {
    name: 'a bad string escape',
    content: withChanges({}).replace('"name"]', '"na\\xme"]'),
    message: /invalid escape in a string at byte \d+/,
  },
  {
    name: 'a raw control character in a string',
    content: withChanges({}).replace('"name"]', '"na\u0001me"]'),
    message: /control character inside a string at byte \d+/,
  },
  {
    name: 'a letter among the numbers',
    content: withChanges({}).replace('"edges":[1,', '"edges":[1x,'),
    message: /unexpected 'x' in the number array "edges" .*at byte \d+/,
  },
  {
    name: 'a trailing comma',
    content: withChanges({}).replace('1,5]', '1,5,]'),
    message: /trailing ',' in "edges" at byte \d+/,
  },
  {
    name: 'data after the end',
    content: `${withChanges({})} {}`,
    message: /unexpected data after the end of the snapshot at byte \d+/,
  },
  {
    name: 'a duplicate key',
    content: withChanges({}).replace('"edges":', '"nodes":[],"edges":'),
    message: /duplicate key "nodes"/,
  },
  {
    name: 'strings that are not an array',
    content: withChanges({ strings: 'abc' }),
    message: /"strings" is not an array/,
  },
];

describe('bad input gives one precise error', () => {
  for (const { name, content, message } of cases) {
    test(name, async () => {
      const error = await readError(writeInput(content));
      assert.match(error.message, message);
    });
  }

  test('truncated anywhere: an error with the offset, never a graph', async () => {
    const text = withChanges({});
    for (let length = 1; length < text.length - 1; length += 3) {
      const error = await readError(writeInput(text.slice(0, length)));
      assert.match(error.message, /unexpected end of input .*at byte \d+|truncated/);
    }
  });

  test('a real snapshot cut short names the section it was reading', async () => {
    const bytes = readFileSync(realSnapshot('system'));
    const cut = bytes.indexOf('"edges":') + 1000;
    const error = await readError(writeInput(bytes.subarray(0, cut)));
    assert.match(error.message, new RegExp(`while reading "edges" \\(truncated file\\?\\) at byte ${cut}$`));
  });

  test('a directory', async () => {
    const error = await readError(workDir);
    assert.match(error.message, /is a directory/);
  });
});

describe('the CLI prints one line and exits 2', () => {
  const inputs = [
    {
      label: 'missing file',
      file: join(workDir, 'does-not-exist.heapsnapshot'),
      message: /no such file or directory/,
    },
    { label: 'directory', file: workDir, message: /is a directory/ },
    { label: 'empty file', file: writeInput(''), message: /the file is empty/ },
    {
      label: 'truncated',
      file: writeInput(withChanges({}).slice(0, 40)),
      message: /unexpected end of input/,
    },
  ];
  for (const { label, file, message } of inputs) {
    test(label, () => {
      const result = spawnSync(process.execPath, [cli, 'info', file], { encoding: 'utf8' });
      assert.equal(result.status, 2);
      assert.equal(result.stdout, '');
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, /^heapdrift: /);
      assert.match(lines[0]!, message);
      assert.ok(lines[0]!.includes(file), 'names the file');
    });
  }

  test('info --json on a real snapshot', () => {
    const file = realSnapshot('system');
    const info = JSON.parse(
      execFileSync(process.execPath, [cli, 'info', file, '--json'], { encoding: 'utf8' }),
    );
    const json = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(info.nodeCount, json.nodes.length / json.snapshot.meta.node_fields.length);
    assert.equal(info.edgeCount, json.edges.length / json.snapshot.meta.edge_fields.length);
    assert.equal(info.stringCount, json.strings.length);
    const selfSizeOffset = json.snapshot.meta.node_fields.indexOf('self_size');
    let total = 0;
    for (
      let index = selfSizeOffset;
      index < json.nodes.length;
      index += json.snapshot.meta.node_fields.length
    ) {
      total += json.nodes[index];
    }
    assert.equal(info.totalSelfSize, total);
  });
});

describe('fuzz: mutated and truncated real snapshots', () => {
  test('every mutation parses or fails with a SnapshotFormatError', () => {
    const original = readFileSync(realSnapshot('system'));
    let seed = 0x2545f491;
    const random = (limit: number) => {
      // xorshift32: deterministic, so a failure can be replayed.
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % limit;
    };
    const interesting = [44, 34, 92, 93, 91, 123, 125, 48, 57, 45, 46, 0, 255, 10, 117];
    let rejected = 0;
    for (let round = 0; round < 120; round++) {
      const bytes = Buffer.from(original);
      const mutations = 1 + random(4);
      for (let step = 0; step < mutations; step++)
        bytes[random(bytes.length)] = interesting[random(interesting.length)]!;
      const length = round % 3 === 0 ? random(bytes.length) : bytes.length;
      const parser = new HeapSnapshotParser();
      const chunkSize = 1 + random(1 << 20);
      try {
        for (let offset = 0; offset < length; offset += chunkSize) {
          parser.write(bytes.subarray(offset, Math.min(length, offset + chunkSize)));
        }
        const graph = parser.end();
        assert.ok(graph.nodeCount > 0);
      } catch (error) {
        if (!(error instanceof SnapshotFormatError)) {
          assert.fail(`round ${round}: ${error instanceof Error ? error.stack : String(error)}`);
        }
        rejected++;
      }
    }
    assert.ok(rejected > 20, `most mutations are caught (${rejected} of 120)`);
  });
});
