// Asks a node binary who it is: checks that a path is an executable file and that
// `<path> --version` answers like Node.js (`v22.14.0`), so a patched build can be used as is.

import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { normalizeVersion } from './versions.js';

const versionTimeoutMs = 15_000;

/** What `<path> --version` prints, without the `v`, or an Error saying why it failed. */
export function runVersion(path: string): Promise<string> {
  return new Promise((resolveVersion, reject) => {
    execFile(
      path,
      ['--version'],
      { timeout: versionTimeoutMs, env: versionEnvironment() },
      (error, stdout, stderr) => {
        if (error) {
          const detail = firstLine(`${stderr}`) || firstLine(error.message);
          reject(new Error(detail));
          return;
        }
        const version = normalizeVersion(`${stdout}`.trim());
        if (version) resolveVersion(version);
        else
          reject(
            new Error(`--version printed "${firstLine(`${stdout}`).slice(0, 60)}", not a Node.js version`),
          );
      },
    );
  });
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0] ?? '';
}

// NODE_OPTIONS meant for the caller can break or slow an older binary.
function versionEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

/** Checks `path` names an executable node binary; returns its absolute path and version. */
export async function inspectNodeBinary(path: string): Promise<{ path: string; version: string }> {
  const absolute = resolve(expandHome(path));
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(absolute);
  } catch {
    throw new UserError(`${path}: no such file (expected a node binary)`, 'ERR_HEAPDRIFT_RUNTIME_PATH');
  }
  if (info.isDirectory()) {
    throw new UserError(`${path}: is a directory, not a node binary`, 'ERR_HEAPDRIFT_RUNTIME_PATH');
  }
  try {
    await access(absolute, constants.X_OK);
  } catch {
    throw new UserError(`${path}: is not executable (expected a node binary)`, 'ERR_HEAPDRIFT_RUNTIME_PATH');
  }
  try {
    return { path: absolute, version: await runVersion(absolute) };
  } catch (error) {
    throw new UserError(
      `${path}: is not a working node binary (${(error as Error).message})`,
      'ERR_HEAPDRIFT_RUNTIME_PATH',
    );
  }
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(process.env.HOME ?? '', path.slice(1)) : path;
}

/** The first executable `node` on PATH, else the node running heapdrift. */
export async function systemNodePath(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const names = process.platform === 'win32' ? ['node.exe'] : ['node'];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        await access(candidate, constants.X_OK);
        if ((await stat(candidate)).isFile()) return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return process.execPath;
}
