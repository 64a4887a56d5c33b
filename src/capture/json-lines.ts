// Splits a byte stream into JSON values, one per line (the child agent's message channel).

import { StringDecoder } from 'node:string_decoder';

export class JsonLineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** Complete lines parsed from this chunk; a line that is not JSON is returned as an Error. */
  push(chunk: Buffer | string): unknown[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const values: unknown[] = [];
    let newline = this.pending.indexOf('\n');
    while (newline !== -1) {
      const line = this.pending.slice(0, newline);
      this.pending = this.pending.slice(newline + 1);
      if (line.trim() !== '') values.push(parseLine(line));
      newline = this.pending.indexOf('\n');
    }
    return values;
  }

  /** A last line without newline (a child killed mid-write) is not a message. */
  get unfinished(): string {
    return this.pending + this.decoder.end();
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return new Error(`not a JSON line: ${line.slice(0, 200)}`);
  }
}
