// A push parser for .heapsnapshot JSON: feed it chunks of any size and it fills typed arrays
// (nodes, edges, locations, samples, trace function infos) and a lazy string table as the
// bytes arrive, never holding the file — or any section of it — as one JS string. The
// number sections, nearly all of a snapshot, go through one tight byte loop; the small
// header and any unknown values are gathered and handed to JSON.parse.

import { ByteBuilder } from './byte-builder.js';
import { ChunkStringTable } from './chunk-string-table.js';
import { SnapshotFormatError } from './errors.js';
import { HeapGraph, type NumberArray } from './graph.js';
import { checkNodes, type EdgePrecheck } from './graph-check.js';
import { type RawSnapshotHeader, resolveLayout, validateHeader } from './meta.js';
import { NodeRowsBuilder } from './node-rows.js';
import { ARRAY_ELEMENT, ARRAY_IN_VALUE, ARRAY_SEPARATOR, ARRAY_START } from './number-scanner.js';
import { describeByte, NumberSectionReader } from './number-section.js';

// Top-level states.
const BEFORE_OBJECT = 0;
const BEFORE_KEY = 1;
const IN_KEY = 2;
const AFTER_KEY = 3;
const BEFORE_VALUE = 4;
const IN_NUMBERS = 5;
const IN_STRINGS = 6;
const IN_RAW_VALUE = 7;
const AFTER_VALUE = 8;
const DONE = 9;
const SKIPPING = 10;

const COMMA = 44;
const NEWLINE = 10;
const QUOTE = 34;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const OPEN_BRACKET = 91;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const COLON = 58;
/** Values other than the big sections (the header, trace_tree, unknown keys) are gathered whole. */
const MAX_GATHERED_VALUE_BYTES = 256 * 1024 * 1024;

const NUMBER_SECTIONS = new Set(['nodes', 'edges', 'locations', 'samples', 'trace_function_infos']);

/** 1 for bytes that can appear unescaped inside a JSON string: not '"', not '\\', not a control character. */
const PLAIN_STRING_BYTE = new Uint8Array(256);
for (let byte = 32; byte < 256; byte++)
  PLAIN_STRING_BYTE[byte] = byte === QUOTE || byte === BACKSLASH ? 0 : 1;

function isWhitespace(byte: number): boolean {
  return byte === 32 || byte === 10 || byte === 13 || byte === 9;
}

export class HeapSnapshotParser {
  #state = BEFORE_OBJECT;
  #bytesBefore = 0;
  #failure: SnapshotFormatError | undefined;
  #key = '';
  #keysSeen = new Set<string>();
  #keyBytes = new ByteBuilder();
  #keyEscape = false;
  #afterComma = false;

  // Array sections.
  #arrayPhase = ARRAY_START;
  #numbers: NumberSectionReader | undefined;
  /** The `nodes` section's builder when it may leave zero columns out (node-rows.ts). */
  #nodeRows: NodeRowsBuilder | undefined;
  #strings = new ChunkStringTable();
  #stringStart = 0;
  #stringSlow = false;
  #stringEscapeNext = false;
  #stringHadEscape = false;
  #stringBytes = new ByteBuilder();

  // Gathered values.
  #rawBytes = new ByteBuilder();
  #rawDepth = 0;
  #rawInString = false;
  #rawEscape = false;
  #rawStartOffset = 0;

  // Results.
  #header: RawSnapshotHeader | undefined;
  #sections = new Map<string, NumberArray>();
  #traceTree: unknown;
  #sawStrings = false;
  /** The nodes' checks, when run before `end` (see checkNodesEarly). */
  #firstEdgeIndexes: Uint32Array | undefined;
  /** The checks another thread did on the section it provided (the edges). */
  #edgePrecheck: EdgePrecheck | undefined;

  // A section another reader fills (the edges of a large file, see read.ts).
  #deferred: { key: string; open: number; close: number; skipped: boolean } | undefined;

  /** Whether the parser keeps a reference to `chunk` (it holds strings): the caller must not reuse it. */
  retains(chunk: Uint8Array): boolean {
    return this.#strings.holds(chunk);
  }

  /** The `snapshot` header, once it was read. */
  get header(): RawSnapshotHeader | undefined {
    return this.#header;
  }

  /** Bytes consumed so far. */
  get bytesRead(): number {
    return this.#bytesBefore;
  }

  /**
   * Leaves the number section `key` to another reader if its '[' turns out to be at input
   * offset `open` and its ']' at `close`: the parser then skips those bytes and the values
   * come through `provideSection`. False when the parser has already reached that key.
   */
  deferSection(key: string, open: number, close: number): boolean {
    if (this.#keysSeen.has(key) || this.#failure) return false;
    this.#deferred = { key, open, close, skipped: false };
    return true;
  }

  /** Whether the deferred section was skipped, so its values must be provided before `end`. */
  get skippedDeferredSection(): boolean {
    return this.#deferred?.skipped ?? false;
  }

  /** While skipping a deferred section past the bytes written so far: where input must resume. */
  get resumeOffset(): number | undefined {
    if (this.#state !== SKIPPING) return undefined;
    return this.#deferred!.close + 1;
  }

  /** The caller jumps over the skipped bytes: the next chunk starts at `resumeOffset`. */
  resume(): void {
    const offset = this.resumeOffset;
    if (offset === undefined) throw new Error('resume() while not skipping a section');
    this.#bytesBefore = offset;
    this.#state = AFTER_VALUE;
  }

  /** The values of the skipped section; for the edges, with the checks the other thread did on them. */
  provideSection(key: string, values: NumberArray, precheck?: EdgePrecheck): void {
    if (this.#deferred?.key !== key || !this.#deferred.skipped) throw new Error(`"${key}" was not skipped`);
    this.#sections.set(key, values);
    if (key === 'edges') this.#edgePrecheck = precheck;
  }

  /**
   * Feeds the next chunk. Byte chunks are kept by reference when strings are found in them
   * (the string table decodes lazily), so the caller must not reuse or mutate them.
   */
  write(input: Uint8Array | string): void {
    if (this.#failure) throw this.#failure;
    const chunk = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    try {
      this.#consume(chunk);
    } catch (error) {
      if (error instanceof SnapshotFormatError) this.#failure = error;
      throw error;
    }
    this.#bytesBefore += chunk.length;
  }

  /**
   * Runs the nodes' consistency checks now, once the input is complete but for a section
   * another thread still reads (the edges): `end` then only checks the edges. A failure here
   * is left for `end`, which reports it in its usual order.
   */
  checkNodesEarly(): void {
    const nodes = this.#sections.get('nodes');
    if (this.#state !== DONE || !this.#header || !nodes) return;
    try {
      const layout = resolveLayout(this.#header.meta, this.#nodeRows?.keptFields);
      this.#firstEdgeIndexes = checkNodes(layout, nodes, this.#strings.count);
    } catch {
      this.#firstEdgeIndexes = undefined;
    }
  }

  /** Ends the input and returns the graph, or throws if the snapshot is incomplete or inconsistent. */
  end(): HeapGraph {
    if (this.#failure) throw this.#failure;
    if (this.#state !== DONE) {
      if (this.#bytesBefore === 0) throw new SnapshotFormatError('the file is empty');
      const where = this.#state === BEFORE_OBJECT ? 'before any data' : `while reading "${this.#key}"`;
      throw new SnapshotFormatError(`unexpected end of input ${where} (truncated file?)`, this.#bytesBefore);
    }
    const header = this.#header;
    if (!header) throw new SnapshotFormatError('not a heap snapshot: there is no "snapshot" header');
    const nodes = this.#sections.get('nodes');
    const edges = this.#sections.get('edges');
    if (!nodes) throw new SnapshotFormatError('not a heap snapshot: there is no "nodes" array');
    if (!edges) throw new SnapshotFormatError('not a heap snapshot: there is no "edges" array');
    if (!this.#sawStrings) throw new SnapshotFormatError('not a heap snapshot: there is no "strings" array');
    const graph = new HeapGraph({
      header,
      nodes,
      ...(this.#nodeRows
        ? { nodeFields: this.#nodeRows.keptFields, sparseNodeFields: this.#nodeRows.sparseFields }
        : {}),
      edges,
      strings: this.#strings.finish(),
      locations: this.#sections.get('locations'),
      samples: this.#sections.get('samples'),
      traceFunctionInfos: this.#sections.get('trace_function_infos'),
      traceTree: this.#traceTree,
      ...(this.#firstEdgeIndexes ? { firstEdgeIndexes: this.#firstEdgeIndexes } : {}),
      ...(this.#edgePrecheck ? { edgePrecheck: this.#edgePrecheck } : {}),
      warnings: [],
    });
    (graph.warnings as string[]).push(...countWarnings(graph));
    return graph;
  }

  #fail(message: string, index: number): never {
    throw new SnapshotFormatError(message, this.#bytesBefore + index);
  }

  #consume(chunk: Uint8Array): void {
    // A plain string still open here began with the previous chunk's last byte (its opening
    // quote); otherwise the string would have been switched to the gathering path.
    if (this.#state === IN_STRINGS && this.#arrayPhase === ARRAY_IN_VALUE && !this.#stringSlow) {
      this.#stringStart = 0;
    }
    let index = 0;
    const end = chunk.length;
    while (index < end) {
      switch (this.#state) {
        case IN_NUMBERS:
          index = this.#readNumbers(chunk, index, end);
          break;
        case IN_STRINGS:
          index = this.#readStrings(chunk, index, end);
          break;
        case IN_RAW_VALUE:
          index = this.#readRawValue(chunk, index, end);
          break;
        case IN_KEY:
          index = this.#readKey(chunk, index, end);
          break;
        case SKIPPING:
          index = this.#skip(end);
          break;
        default:
          index = this.#readStructure(chunk, index);
      }
    }
  }

  /** One byte of the top-level object's structure: braces, keys' quotes, colons, commas. */
  #readStructure(chunk: Uint8Array, index: number): number {
    const byte = chunk[index]!;
    if (isWhitespace(byte)) return index + 1;
    switch (this.#state) {
      case BEFORE_OBJECT:
        if (byte !== OPEN_BRACE) this.#fail('not a heap snapshot: expected a JSON object', index);
        this.#state = BEFORE_KEY;
        return index + 1;
      case BEFORE_KEY:
        if (byte === QUOTE) {
          this.#state = IN_KEY;
          this.#keyBytes.reset();
          return index + 1;
        }
        if (byte === CLOSE_BRACE && !this.#afterComma) {
          this.#state = DONE;
          return index + 1;
        }
        return this.#fail('expected a key in the top-level object', index);
      case AFTER_KEY:
        if (byte !== COLON) this.#fail(`expected ':' after "${this.#key}"`, index);
        this.#state = BEFORE_VALUE;
        return index + 1;
      case BEFORE_VALUE:
        return this.#startValue(chunk, index);
      case AFTER_VALUE:
        if (byte === COMMA) {
          this.#state = BEFORE_KEY;
          this.#afterComma = true;
          return index + 1;
        }
        if (byte === CLOSE_BRACE) {
          this.#state = DONE;
          return index + 1;
        }
        return this.#fail(`expected ',' or '}' after "${this.#key}"`, index);
      default:
        return this.#fail('unexpected data after the end of the snapshot', index);
    }
  }

  #readKey(chunk: Uint8Array, index: number, end: number): number {
    const start = index;
    while (index < end) {
      const byte = chunk[index]!;
      if (this.#keyEscape) this.#keyEscape = false;
      else if (byte === BACKSLASH) this.#keyEscape = true;
      else if (byte === QUOTE) break;
      index++;
    }
    this.#keyBytes.append(chunk, start, index);
    if (index === end) return index;
    const key = parseJsonText(`"${this.#keyBytes.toString()}"`, () =>
      this.#fail('invalid key', index),
    ) as string;
    if (this.#keysSeen.has(key)) this.#fail(`duplicate key "${key}"`, index);
    this.#keysSeen.add(key);
    this.#key = key;
    this.#afterComma = false;
    this.#state = AFTER_KEY;
    return index + 1;
  }

  #startValue(chunk: Uint8Array, index: number): number {
    const byte = chunk[index]!;
    const deferred = this.#deferred;
    if (
      byte === OPEN_BRACKET &&
      deferred?.key === this.#key &&
      deferred.open === this.#bytesBefore + index &&
      NUMBER_SECTIONS.has(this.#key)
    ) {
      deferred.skipped = true;
      this.#state = SKIPPING;
      return index + 1;
    }
    if (byte === OPEN_BRACKET && NUMBER_SECTIONS.has(this.#key)) {
      const expectedLength = this.#expectedLength(this.#key);
      const nodeFields = this.#header?.meta.node_fields;
      if (this.#key === 'nodes' && nodeFields && NodeRowsBuilder.applies(nodeFields)) {
        this.#nodeRows = new NodeRowsBuilder(nodeFields, expectedLength);
      }
      const sink = this.#key === 'nodes' ? this.#nodeRows?.staging : undefined;
      this.#numbers = new NumberSectionReader(this.#key, expectedLength, sink);
      this.#state = IN_NUMBERS;
      return index + 1;
    }
    if (byte === OPEN_BRACKET && this.#key === 'strings') {
      this.#arrayPhase = ARRAY_START;
      this.#state = IN_STRINGS;
      this.#sawStrings = true;
      return index + 1;
    }
    if (NUMBER_SECTIONS.has(this.#key) || this.#key === 'strings') {
      this.#fail(`"${this.#key}" is not an array`, index);
    }
    this.#rawBytes.reset();
    this.#rawDepth = 0;
    this.#rawInString = false;
    this.#rawEscape = false;
    this.#rawStartOffset = this.#bytesBefore + index;
    this.#state = IN_RAW_VALUE;
    return index;
  }

  /** Header counts size the arrays up front; they can be wrong, so arrays still grow if needed. */
  #expectedLength(key: string): number {
    const header = this.#header;
    if (!header) return 1024;
    const meta = header.meta;
    const count = (value: unknown, fields: unknown[] | undefined) =>
      typeof value === 'number' && value >= 0 && value < 2 ** 31 && fields ? value * fields.length : 1024;
    if (key === 'nodes') return count(header.node_count, meta.node_fields);
    if (key === 'edges') return count(header.edge_count, meta.edge_fields);
    if (key === 'trace_function_infos')
      return count(header.trace_function_count, meta.trace_function_info_fields);
    return 1024;
  }

  /** The number sections (see number-section.ts). */
  #readNumbers(chunk: Uint8Array, index: number, end: number): number {
    const reader = this.#numbers!;
    index = reader.read(chunk, index, end, this.#bytesBefore);
    if (reader.result) {
      this.#sections.set(this.#key, reader.result);
      this.#numbers = undefined;
      this.#state = AFTER_VALUE;
    }
    return index;
  }

  /** Inside a deferred section: its bytes up to and including the ']' are another reader's. */
  #skip(end: number): number {
    const stop = this.#deferred!.close + 1 - this.#bytesBefore;
    if (stop > end) return end;
    this.#state = AFTER_VALUE;
    return stop;
  }

  /** The strings section: most strings are plain and lie within one chunk; those are recorded as byte ranges. */
  #readStrings(chunk: Uint8Array, index: number, end: number): number {
    while (index < end) {
      if (this.#arrayPhase === ARRAY_IN_VALUE) {
        index = this.#stringSlow
          ? this.#readSlowString(chunk, index, end)
          : this.#readPlainString(chunk, index, end);
        continue;
      }
      const byte = chunk[index]!;
      if (byte === QUOTE) {
        if (this.#arrayPhase === ARRAY_SEPARATOR) this.#fail("expected ',' or ']' in \"strings\"", index);
        this.#arrayPhase = ARRAY_IN_VALUE;
        this.#stringStart = index + 1;
        this.#stringSlow = false;
        index++;
      } else if (byte === COMMA) {
        if (this.#arrayPhase !== ARRAY_SEPARATOR) this.#fail('unexpected \',\' in "strings"', index);
        this.#arrayPhase = ARRAY_ELEMENT;
        index++;
      } else if (byte === CLOSE_BRACKET) {
        if (this.#arrayPhase === ARRAY_ELEMENT) this.#fail('trailing \',\' in "strings"', index);
        this.#state = AFTER_VALUE;
        return index + 1;
      } else if (isWhitespace(byte)) {
        index++;
      } else {
        this.#fail(`unexpected ${describeByte(byte)} in "strings" (expected a string)`, index);
      }
    }
    return index;
  }

  /**
   * Strings that end in this chunk are recorded as byte ranges, escapes and all (checked here,
   * decoded on use). V8 writes `",\n"` between strings: the next string is read on from here
   * instead of going through `#readStrings` for each of those bytes.
   */
  #readPlainString(chunk: Uint8Array, index: number, end: number): number {
    for (;;) {
      let escaped = false;
      for (;;) {
        while (index < end && PLAIN_STRING_BYTE[chunk[index]!] === 1) index++;
        // A backslash and the byte it escapes, when both are in this chunk.
        if (index + 1 < end && chunk[index] === BACKSLASH) {
          escaped = true;
          index += 2;
          continue;
        }
        break;
      }
      if (index < end && chunk[index] === QUOTE) {
        if (escaped && !validEscapes(chunk, this.#stringStart, index)) {
          this.#fail('invalid escape in a string', index);
        }
        this.#strings.addRange(chunk, this.#stringStart, index, escaped);
        const next = nextStringStart(chunk, index + 1, end);
        if (next < 0) {
          this.#arrayPhase = ARRAY_SEPARATOR;
          return index + 1;
        }
        this.#stringStart = next;
        index = next;
        continue;
      }
      if (index < end && chunk[index]! < 32) this.#fail('control character inside a string', index);
      // The chunk ended (perhaps right after a backslash): gather this string's bytes and decode it whole.
      this.#stringSlow = true;
      this.#stringEscapeNext = false;
      this.#stringHadEscape = escaped;
      this.#stringBytes.reset();
      this.#stringBytes.append(chunk, this.#stringStart, index);
      return index;
    }
  }

  #readSlowString(chunk: Uint8Array, index: number, end: number): number {
    const start = index;
    while (index < end) {
      const byte = chunk[index]!;
      if (this.#stringEscapeNext) {
        this.#stringEscapeNext = false;
      } else if (byte === BACKSLASH) {
        this.#stringEscapeNext = true;
        this.#stringHadEscape = true;
      } else if (byte === QUOTE) {
        break;
      } else if (byte < 32) {
        this.#fail('control character inside a string', index);
      }
      index++;
    }
    this.#stringBytes.append(chunk, start, index);
    if (index === end) return index;
    const text = this.#stringBytes.toString();
    const value = this.#stringHadEscape
      ? (parseJsonText(`"${text}"`, () => this.#fail('invalid escape in a string', index)) as string)
      : text;
    this.#strings.addDecoded(value);
    this.#stringSlow = false;
    this.#arrayPhase = ARRAY_SEPARATOR;
    return index + 1;
  }

  /** Gathers a small value (the header, trace_tree, an unknown key) and parses it with JSON.parse. */
  #readRawValue(chunk: Uint8Array, index: number, end: number): number {
    const start = index;
    let finished = false;
    while (index < end) {
      const byte = chunk[index]!;
      if (this.#rawInString) {
        if (this.#rawEscape) this.#rawEscape = false;
        else if (byte === BACKSLASH) this.#rawEscape = true;
        else if (byte === QUOTE) this.#rawInString = false;
      } else if (byte === QUOTE) {
        this.#rawInString = true;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        this.#rawDepth++;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        if (this.#rawDepth === 0) {
          finished = true;
          break;
        }
        this.#rawDepth--;
        if (this.#rawDepth === 0) {
          index++;
          finished = true;
          break;
        }
      } else if (byte === COMMA && this.#rawDepth === 0) {
        finished = true;
        break;
      }
      index++;
    }
    if (this.#rawBytes.length + (index - start) > MAX_GATHERED_VALUE_BYTES) {
      this.#fail(`the value of "${this.#key}" is larger than ${MAX_GATHERED_VALUE_BYTES} bytes`, index);
    }
    this.#rawBytes.append(chunk, start, index);
    if (finished) this.#finishRawValue();
    return index;
  }

  #finishRawValue(): void {
    const offset = this.#rawStartOffset;
    const fail = () => {
      throw new SnapshotFormatError(`invalid JSON in the value of "${this.#key}"`, offset);
    };
    const value = parseJsonText(this.#rawBytes.toString(), fail);
    this.#rawBytes.reset();
    if (this.#key === 'snapshot') {
      try {
        this.#header = validateHeader(value);
      } catch (error) {
        if (error instanceof SnapshotFormatError) throw new SnapshotFormatError(error.message, offset);
        throw error;
      }
    } else if (this.#key === 'trace_tree') {
      this.#traceTree = value;
    }
    this.#state = AFTER_VALUE;
  }
}

/**
 * Where the next string's bytes begin when `index` starts `,"` or `,\n"` within the chunk,
 * else -1 (anything else, or a chunk ending there, is left to the strings' state machine).
 */
function nextStringStart(chunk: Uint8Array, index: number, end: number): number {
  if (index >= end || chunk[index] !== COMMA) return -1;
  index++;
  if (index < end && chunk[index] === NEWLINE) index++;
  return index < end && chunk[index] === QUOTE ? index + 1 : -1;
}

const HEX_DIGIT = new Uint8Array(256);
for (const byte of Buffer.from('0123456789abcdefABCDEF')) HEX_DIGIT[byte] = 1;
/** The bytes that may follow a backslash in a JSON string, `u` (four hex digits) apart. */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const byte of Buffer.from('"\\/bfnrt')) SIMPLE_ESCAPE[byte] = 1;

/** Whether every backslash escape in bytes [start, end) is one JSON.parse accepts. */
function validEscapes(chunk: Uint8Array, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    if (chunk[index] !== BACKSLASH) continue;
    const next = chunk[++index]!;
    if (SIMPLE_ESCAPE[next] === 1) continue;
    if (next !== 117 || index + 4 >= end) return false;
    for (let digit = 1; digit <= 4; digit++) if (HEX_DIGIT[chunk[index + digit]!] !== 1) return false;
    index += 4;
  }
  return true;
}

function parseJsonText(text: string, onError: () => never): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return onError();
  }
}

/** Header counts that disagree with the data: tolerated (the data wins), but said. */
function countWarnings(graph: HeapGraph): string[] {
  const warnings: string[] = [];
  const { header } = graph;
  const compare = (label: string, declared: unknown, actual: number) => {
    if (typeof declared === 'number' && declared !== actual) {
      warnings.push(`header says ${label} ${declared} but the data holds ${actual}`);
    }
  };
  compare('node_count', header.node_count, graph.nodeCount);
  compare('edge_count', header.edge_count, graph.edgeCount);
  const fields = graph.layout.traceFunctionInfoFieldCount;
  if (fields > 0 && graph.traceFunctionInfos) {
    compare('trace_function_count', header.trace_function_count, graph.traceFunctionInfos.length / fields);
  }
  return warnings;
}
