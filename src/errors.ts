// Errors that mean "the user asked for something that cannot be done" (bad flag, missing
// file, unknown version). The CLI prints their message on one line and exits 2; anything
// else is a bug and is reported as such.

export class UserError extends Error {
  override readonly name = 'UserError';
  readonly code: string;
  constructor(message: string, code = 'ERR_HEAPDRIFT_USAGE') {
    super(message);
    this.code = code;
  }
}
