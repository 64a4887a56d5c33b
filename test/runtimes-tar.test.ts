// Pulling bin/node out of Node's packages (node-tar with a filter), on real archives written by
// GNU tar in its three formats (gnu long names, pax headers, ustar prefixes), gzipped or not,
// and on a damaged and a truncated archive.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { extractEntries } from '../src/runtimes/extract.js';

const scratch = mkdtempSync(join(tmpdir(), 'heapdrift-tar-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const longDir = `deep/${'a'.repeat(60)}/${'b'.repeat(60)}`; // > 100 characters: long-name headers
const binary = Buffer.alloc(70_000);
for (let index = 0; index < binary.length; index++) binary[index] = (index * 31) % 251;

const source = join(scratch, 'source');
mkdirSync(join(source, 'package', 'bin'), { recursive: true });
mkdirSync(join(source, 'package', longDir), { recursive: true });
writeFileSync(join(source, 'package', 'bin', 'node'), binary);
chmodSync(join(source, 'package', 'bin', 'node'), 0o755);
writeFileSync(join(source, 'package', 'LICENSE'), 'MIT\n');
writeFileSync(join(source, 'package', longDir, 'file.txt'), 'deep content\n');
for (let index = 0; index < 20; index++)
  writeFileSync(join(source, 'package', `skipped-${index}.h`), `// ${index}\n`);

function archive(format: string): Buffer {
  return execFileSync('tar', ['-c', `--format=${format}`, '-C', source, 'package']);
}

async function extract(tar: Buffer, into: string, chunkSize: number): Promise<Set<string>> {
  mkdirSync(into, { recursive: true });
  const wanted = ['bin/node', `${longDir}/file.txt`, 'missing'];
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < tar.length; offset += chunkSize)
    chunks.push(tar.subarray(offset, offset + chunkSize));
  return extractEntries(Readable.from(chunks), into, wanted);
}

for (const format of ['gnu', 'pax', 'ustar']) {
  test(`extracts the wanted files from a ${format} archive, in any chunking`, async () => {
    const tar = archive(format);
    const longNameMarker = { gnu: '././@LongLink', pax: 'PaxHeaders', ustar: 'ustar\u000000' }[format]!;
    assert.ok(tar.includes(longNameMarker), `the ${format} archive uses its long-name mechanism`);
    for (const chunkSize of [tar.length, 4096, 333, 7]) {
      const into = join(scratch, `${format}-${chunkSize}`);
      const extracted = await extract(tar, into, chunkSize);
      assert.deepEqual([...extracted].sort(), ['bin/node', `${longDir}/file.txt`]);
      assert.ok(readFileSync(join(into, 'bin', 'node')).equals(binary));
      assert.equal(statSync(join(into, 'bin', 'node')).mode & 0o777, 0o755);
      assert.equal(readFileSync(join(into, longDir, 'file.txt'), 'utf8'), 'deep content\n');
      assert.ok(!existsSync(join(into, 'skipped-0.h')), 'entries not asked for are not written');
    }
  });
}

test('reads a gzipped archive as npm serves it', async () => {
  const into = join(scratch, 'gzip');
  const extracted = await extract(gzipSync(archive('pax')), into, 4096);
  assert.deepEqual([...extracted].sort(), ['bin/node', `${longDir}/file.txt`]);
  assert.ok(readFileSync(join(into, 'bin', 'node')).equals(binary));
});

test('a damaged header and a truncated archive are refused', async () => {
  const tar = archive('pax');
  const damaged = Buffer.from(tar);
  damaged[10] = damaged[10]! ^ 0x55;
  await assert.rejects(
    extract(damaged, join(scratch, 'damaged'), 4096),
    (error: Error & { code?: string }) => {
      assert.match(String(error.code), /^TAR_/);
      assert.match(error.message, /checksum/);
      return true;
    },
  );
  const nodeEntryEnd = tar.indexOf(binary.subarray(0, 64));
  const truncated = tar.subarray(0, nodeEntryEnd + 1000);
  await assert.rejects(
    extract(truncated, join(scratch, 'truncated'), 4096),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'TAR_BAD_ARCHIVE');
      assert.match(error.message, /truncated/i);
      return true;
    },
  );
});
