// The one base class for errors a user can cause (bad flag, missing file, unknown version, a
// runtime that cannot run the scenario). Each carries a stable `code` in Node's `ERR_*` style
// that scripts may match on; the CLI prints `heapdrift: <code>: <message>` and exits 2.
// Anything else is a bug and is reported as such.

/** Stable codes: never renamed once released; README "Errors" lists them. */
export type ErrorCode = `ERR_HEAPDRIFT_${string}`;

export class UserError extends Error {
  override readonly name: string = 'UserError';
  readonly code: ErrorCode;
  constructor(message: string, code: ErrorCode = 'ERR_HEAPDRIFT_USAGE', options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * True for errors meant for the user: UserError, and errors of layers that cannot import it
 * but follow the same contract (a `code` starting with ERR_HEAPDRIFT_, e.g. SnapshotFormatError).
 */
export function isUserError(error: unknown): error is Error & { code: ErrorCode } {
  if (error instanceof UserError) return true;
  const code: unknown = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_HEAPDRIFT_');
}
