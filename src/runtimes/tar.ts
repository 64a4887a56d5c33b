// Pulls a few named files out of an uncompressed tar stream, writing them as they stream
// by and skipping everything else. Node's packages carry ~2,900 files (headers, docs) of
// which heapdrift needs one binary; this is ~4x faster than a full extract under load.
// Format facts (POSIX ustar, pax `x` headers, GNU `L` long names): 512-byte headers with
// octal fields — name 0..100, mode 100..108, size 124..136, checksum 148..156, type 156,
// magic 257..263, prefix 345..500 — each body padded to 512 bytes; two zero blocks end it.

import { type FileHandle, open } from 'node:fs/promises';
import { Writable } from 'node:stream';

const blockSize = 512;

export class TarFormatError extends Error {
  readonly code = 'TAR_BAD_ARCHIVE';
}

interface EntryHeader {
  name: string;
  mode: number;
  size: number;
  type: string;
}

type BodySink =
  | { kind: 'skip' }
  | { kind: 'file'; handle: FileHandle }
  | { kind: 'collect'; chunks: Buffer[] };

/**
 * A Writable that saves the entries named in `wanted` (path inside the package, e.g.
 * `bin/node` → destination file); `extracted` lists the ones found.
 */
export class TarEntryExtractor extends Writable {
  readonly extracted = new Set<string>();
  private header = Buffer.alloc(0);
  private remaining = 0;
  private padding = 0;
  private sink: BodySink = { kind: 'skip' };
  private pendingType = '';
  private nextName: string | undefined;
  private ended = false;

  constructor(private readonly wanted: ReadonlyMap<string, string>) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.consume(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.ended && (this.remaining > 0 || this.header.length > 0 || this.sink.kind !== 'skip')) {
      callback(new TarFormatError('tar archive ends in the middle of an entry'));
      return;
    }
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const sink = this.sink;
    this.sink = { kind: 'skip' };
    if (sink.kind === 'file') sink.handle.close().then(() => callback(error), callback);
    else callback(error);
  }

  private async consume(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length && !this.ended) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - offset);
        await this.writeBody(chunk.subarray(offset, offset + take));
        this.remaining -= take;
        offset += take;
        if (this.remaining === 0) await this.finishEntry();
      } else if (this.padding > 0) {
        const skip = Math.min(this.padding, chunk.length - offset);
        this.padding -= skip;
        offset += skip;
      } else {
        const take = Math.min(blockSize - this.header.length, chunk.length - offset);
        this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + take)]);
        offset += take;
        if (this.header.length === blockSize) {
          const block = this.header;
          this.header = Buffer.alloc(0);
          await this.startEntry(block);
        }
      }
    }
  }

  private async startEntry(block: Buffer): Promise<void> {
    if (block.every((byte) => byte === 0)) {
      this.ended = true; // end-of-archive marker; the rest is zero padding
      return;
    }
    const header = parseHeader(block);
    const name = this.nextName ?? header.name;
    this.nextName = undefined;
    this.pendingType = header.type;
    this.remaining = header.size;
    this.padding = (blockSize - (header.size % blockSize)) % blockSize;
    // npm tarballs put everything under one top folder (`package/`), whatever its name.
    const destination = this.wanted.get(name.slice(name.indexOf('/') + 1));
    if (header.type === 'x' || header.type === 'L') this.sink = { kind: 'collect', chunks: [] };
    else if (destination && isRegularFile(header.type)) {
      // Not group/world writable; executables stay executable.
      this.sink = { kind: 'file', handle: await open(destination, 'w', (header.mode & 0o755) | 0o600) };
      this.extracted.add(name.slice(name.indexOf('/') + 1));
    } else this.sink = { kind: 'skip' };
    if (this.remaining === 0) await this.finishEntry();
  }

  private async writeBody(bytes: Buffer): Promise<void> {
    if (this.sink.kind === 'file') await this.sink.handle.write(bytes);
    else if (this.sink.kind === 'collect') this.sink.chunks.push(Buffer.from(bytes));
  }

  private async finishEntry(): Promise<void> {
    const sink = this.sink;
    this.sink = { kind: 'skip' };
    if (sink.kind === 'file') await sink.handle.close();
    if (sink.kind !== 'collect') return;
    const body = Buffer.concat(sink.chunks);
    if (this.pendingType === 'L') this.nextName = body.toString('utf8').replace(/\0+$/, '');
    else this.nextName = paxPath(body) ?? this.nextName;
  }
}

function isRegularFile(type: string): boolean {
  return type === '0' || type === '\0' || type === '7';
}

function parseHeader(block: Buffer): EntryHeader {
  const stored = readOctal(block, 148, 8);
  let sum = 0;
  for (let index = 0; index < blockSize; index++) sum += index >= 148 && index < 156 ? 0x20 : block[index]!;
  if (stored !== sum) throw new TarFormatError('tar header checksum mismatch');
  const name = readString(block, 0, 100);
  const isUstar = block.toString('latin1', 257, 262) === 'ustar';
  const prefix = isUstar ? readString(block, 345, 155) : '';
  if (block[124]! & 0x80) throw new TarFormatError('tar entry larger than 8 GB');
  return {
    name: prefix ? `${prefix}/${name}` : name,
    mode: readOctal(block, 100, 8),
    size: readOctal(block, 124, 12),
    type: String.fromCharCode(block[156]!),
  };
}

function readString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end === -1 ? length : end);
}

function readOctal(block: Buffer, start: number, length: number): number {
  const text = readString(block, start, length).trim();
  const value = text === '' ? 0 : Number.parseInt(text, 8);
  if (!Number.isFinite(value)) throw new TarFormatError('tar header has a malformed number');
  return value;
}

/** The `path` record of a pax extended header (`<length> path=<value>\n` records). */
function paxPath(body: Buffer): string | undefined {
  let offset = 0;
  let path: string | undefined;
  while (offset < body.length) {
    const space = body.indexOf(0x20, offset);
    const length = Number.parseInt(body.toString('latin1', offset, space), 10);
    if (space === -1 || !Number.isFinite(length) || length <= 0) break;
    const record = body.toString('utf8', space + 1, offset + length - 1);
    if (record.startsWith('path=')) path = record.slice('path='.length);
    offset += length;
  }
  return path;
}
