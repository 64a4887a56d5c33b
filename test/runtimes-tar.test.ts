// The tar reader that pulls bin/node out of Node's packages, on real archives written by
// GNU tar in its three formats (gnu long names, pax headers, ustar prefixes), and on a
// damaged and a truncated archive.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, test } from 'node:test';
import { TarEntryExtractor, TarFormatError } from '../src/runtimes/tar.js';

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
  mkdirSync(join(into, 'bin'), { recursive: true });
  const wanted = new Map([
    ['bin/node', join(into, 'bin', 'node')],
    [`${longDir}/file.txt`, join(into, 'deep.txt')],
    ['missing', join(into, 'missing')],
  ]);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < tar.length; offset += chunkSize)
    chunks.push(tar.subarray(offset, offset + chunkSize));
  const extractor = new TarEntryExtractor(wanted);
  await pipeline(Readable.from(chunks), extractor);
  return extractor.extracted;
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
      assert.equal(readFileSync(join(into, 'deep.txt'), 'utf8'), 'deep content\n');
    }
  });
}

test('a damaged header and a truncated archive are refused', async () => {
  const tar = archive('pax');
  const damaged = Buffer.from(tar);
  damaged[10] = damaged[10]! ^ 0x55;
  await assert.rejects(extract(damaged, join(scratch, 'damaged'), 4096), (error: Error) => {
    assert.ok(error instanceof TarFormatError);
    assert.equal(error.message, 'tar header checksum mismatch');
    return true;
  });
  const nodeEntryEnd = tar.indexOf(binary.subarray(0, 64));
  const truncated = tar.subarray(0, nodeEntryEnd + 1000);
  await assert.rejects(extract(truncated, join(scratch, 'truncated'), 4096), {
    message: 'tar archive ends in the middle of an entry',
  });
});
