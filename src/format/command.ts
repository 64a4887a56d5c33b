// A command line as a POSIX shell reads it back: arguments with spaces, quotes or shell
// characters are single-quoted, so a reproduce command pasted from a report runs as recorded.

const SAFE_ARGUMENT = /^[\w@%+=:,./-]+$/;

export function shellQuote(argument: string): string {
  if (argument !== '' && SAFE_ARGUMENT.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

export function formatCommand(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}
