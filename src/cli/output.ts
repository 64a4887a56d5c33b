// How the CLI writes: results to stdout, diagnostics to stderr, errors as one line.

import { PathPatternError } from '../analysis/index.js';
import { isUserError } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_LEAK = 1;
export const EXIT_ERROR = 2;

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One line for the user, `heapdrift: <code>: <message>`; the stack only with HEAPDRIFT_DEBUG=1. */
export function reportError(error: unknown): number {
  const debug = process.env.HEAPDRIFT_DEBUG === '1';
  if (isUserError(error)) {
    printErrorLine(error.code, error.message);
  } else if (error instanceof PathPatternError) {
    printErrorLine('ERR_HEAPDRIFT_PATH_PATTERN', error.message);
  } else if (isSystemError(error)) {
    const line = systemErrorLine(error);
    printErrorLine(line.code, line.message);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    printErrorLine(
      'ERR_HEAPDRIFT_INTERNAL',
      `internal error: ${message} (set HEAPDRIFT_DEBUG=1 for details)`,
    );
  }
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return EXIT_ERROR;
}

/** The one error line: the message's own line breaks are folded so it stays one line. */
export function printErrorLine(code: string, message: string): void {
  process.stderr.write(`heapdrift: ${code}: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
}

/** Commander's own usage errors ("error: unknown option '--x'") as one heapdrift error line. */
export function usageErrorLine(commanderText: string): string {
  const message = commanderText
    .trim()
    .replace(/^error:\s*/, '')
    .replace(/\s*\n\s*/g, ' ');
  // `run app.js --port 3000` is the usual way to meet this: the program's arguments go after --.
  const hint = /^unknown option/.test(message) ? "; a program's own arguments go after --" : '';
  return `heapdrift: ERR_HEAPDRIFT_USAGE: ${message} (see heapdrift --help${hint})\n`;
}

interface SystemError extends Error {
  code: string;
  path?: string;
  syscall?: string;
}

function isSystemError(error: unknown): error is SystemError {
  return error instanceof Error && typeof (error as SystemError).code === 'string' && 'syscall' in error;
}

/** A file-system error as one line with a stable code; the system's own code (ENOENT…) stays in the text. */
function systemErrorLine(error: SystemError): { code: string; message: string } {
  const where = error.path ? `${error.path}: ` : '';
  switch (error.code) {
    case 'ENOENT':
      return { code: 'ERR_HEAPDRIFT_NOT_FOUND', message: `${where}no such file or directory` };
    case 'EISDIR':
      return { code: 'ERR_HEAPDRIFT_NOT_FOUND', message: `${where}is a directory, not a file` };
    case 'EACCES':
    case 'EPERM':
      return { code: 'ERR_HEAPDRIFT_PERMISSION', message: `${where}permission denied` };
    case 'ENOSPC':
      return { code: 'ERR_HEAPDRIFT_NO_SPACE', message: `${where}no space left on the device` };
    default:
      return { code: 'ERR_HEAPDRIFT_SYSTEM', message: `${where}${error.syscall} failed (${error.code})` };
  }
}

/** Runs a command action, turning errors into one line and an exit code. */
export function action<Args extends unknown[]>(
  run: (...args: Args) => Promise<number | undefined> | number | undefined,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    try {
      const code = await run(...args);
      process.exitCode = code ?? EXIT_OK;
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };
}
