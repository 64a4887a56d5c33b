// Errors raised while reading a heap snapshot. Each carries the byte offset where the
// problem was seen (when it has one) so the CLI can print one precise line.

export class SnapshotFormatError extends Error {
  override readonly name = 'SnapshotFormatError';
  readonly code = 'ERR_HEAPDRIFT_SNAPSHOT_FORMAT';
  /** Byte offset in the input where the problem was found, or undefined when it is not positional. */
  readonly offset: number | undefined;

  constructor(message: string, offset?: number) {
    super(offset === undefined ? message : `${message} at byte ${offset}`);
    this.offset = offset;
  }
}
