// Keeps the last bytes of a child's output: enough to show why it crashed, bounded so a
// chatty scenario cannot grow the parent.

export class OutputTail {
  private chunks: string[] = [];
  private length = 0;

  constructor(private readonly limit = 64 * 1024) {}

  append(text: string): void {
    this.chunks.push(text);
    this.length += text.length;
    while (this.length - this.chunks[0]!.length >= this.limit) {
      this.length -= this.chunks.shift()!.length;
    }
  }

  toString(): string {
    const text = this.chunks.join('');
    return text.length > this.limit ? text.slice(text.length - this.limit) : text;
  }
}
