// Installs one exact Node.js version into the cache, atomically: stream the registry tarball
// through pacote (which checks its integrity), keep bin/node, LICENSE and package.json in a
// temp dir beside the target (headers and docs are skipped), check that `bin/node --version`
// is the version asked for, write the manifest, rename into place. Concurrent installs of
// one version all succeed: one rename wins, the others discard their temp dirs.

import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pacote from 'pacote';
import { UserError } from '../errors.js';
import { formatDuration } from '../format/index.js';
import { runVersion } from './binary.js';
import {
  cacheDirOf,
  type InstalledRuntime,
  installDirName,
  manifestFileName,
  type RuntimeManifest,
  readInstall,
  temporaryDirPrefix,
} from './cache.js';
import { extractEntries } from './extract.js';
import type { NpmOptions } from './npm-config.js';
import type { RuntimeOptions } from './options.js';
import { binaryRelativePath } from './platform.js';
import {
  fetchNodeReleases,
  isNetworkError,
  loadPacote,
  RegistryUnreachableError,
  registryOptions,
} from './registry.js';
import { normalizeVersion } from './versions.js';

export interface InstallResult extends InstalledRuntime {
  /** 'cache' when it was already installed, 'registry' when this call (or a racing one) downloaded it. */
  source: 'cache' | 'registry';
}

export interface InstallOptions extends RuntimeOptions {
  /** Expected SRI integrity; default: the registry's. A mismatch fails the install. */
  integrity?: string;
}

export async function installRuntime(
  requested: string,
  options: InstallOptions = {},
): Promise<InstallResult> {
  const version = normalizeVersion(requested);
  if (!version) {
    throw new UserError(
      `"${requested}" is not an exact Node.js version (e.g. 22.15.0)`,
      'ERR_HEAPDRIFT_RUNTIME_SPEC',
    );
  }
  const cacheDir = cacheDirOf(options);
  const target = join(cacheDir, installDirName(version));
  const existing = await readInstall(target);
  if (existing) return { ...existing, source: 'cache' };
  if (options.offline) {
    throw new UserError(
      `node ${version} is not in the cache ${cacheDir} and offline mode forbids downloading it`,
      'ERR_HEAPDRIFT_OFFLINE',
    );
  }

  const { packageName, integrity } = await publishedPackage(version, options);
  const packageSpec = `${packageName}@${version}`;
  await createCacheDir(cacheDir);
  const temporary = await mkdtemp(join(cacheDir, temporaryDirPrefix(version))).catch((error: unknown) => {
    throw installError(error, packageSpec, cacheDir, integrity);
  });
  const started = performance.now();
  try {
    options.onProgress?.(`downloading ${packageSpec}`);
    await extractBinary(packageSpec, temporary, { ...registryOptions(options), integrity });
    options.onProgress?.(`verifying ${packageSpec}`);
    await verifyBinary(join(temporary, binaryRelativePath()), version, packageSpec);
    await writeManifest(temporary, {
      format: 1,
      packageName,
      version,
      integrity,
      installedAt: new Date().toISOString(),
    });
    await moveIntoPlace(temporary, target);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw installError(error, packageSpec, cacheDir, integrity);
  }
  const installed = await readInstall(target);
  if (!installed) throw new Error(`${target}: install vanished right after it was renamed into place`);
  const took = formatDuration(performance.now() - started);
  options.onProgress?.(`installed node ${version} in ${took}: ${installed.path}`);
  return { ...installed, source: 'registry' };
}

/** The package to download and the integrity it must have (pinned, else the registry's). */
async function publishedPackage(
  version: string,
  options: InstallOptions,
): Promise<{ packageName: string; integrity: string }> {
  const releases = await fetchNodeReleases(options);
  if (!releases.versions.includes(version)) {
    throw new UserError(
      `node ${version} is not published as ${releases.packageName} on the registry ${releases.registry}`,
      'ERR_HEAPDRIFT_UNKNOWN_VERSION',
    );
  }
  const integrity = options.integrity ?? releases.integrity.get(version);
  if (!integrity) {
    throw new UserError(
      `${releases.packageName}@${version} has no integrity hash on the registry; refusing to install it`,
      'ERR_HEAPDRIFT_INTEGRITY',
    );
  }
  return { packageName: releases.packageName, integrity };
}

function writeManifest(dir: string, manifest: RuntimeManifest): Promise<void> {
  return writeFile(join(dir, manifestFileName), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
}

const keptFiles = [binaryRelativePath(), 'LICENSE', 'package.json'];

/**
 * Streams the tarball (pacote verifies `integrity` over every byte, and may call the handler
 * again after a corrupt cache entry) and writes the kept files under `dir`.
 */
async function extractBinary(packageSpec: string, dir: string, pacoteOptions: NpmOptions): Promise<void> {
  await mkdir(dir, { recursive: true });
  const pacote = await loadPacote();
  const extracted = await pacote.tarball.stream(
    packageSpec,
    (stream) => extractEntries(stream as AsyncIterable<Buffer>, dir, keptFiles),
    pacoteOptions as pacote.Options,
  );
  if (!(extracted as Set<string>).has(binaryRelativePath())) {
    throw new UserError(
      `${packageSpec} has no ${binaryRelativePath()}; not a Node.js binary package`,
      'ERR_HEAPDRIFT_RUNTIME_BROKEN',
    );
  }
}

async function createCacheDir(cacheDir: string): Promise<void> {
  try {
    await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw installError(error, 'the runtime cache', cacheDir, '');
  }
}

async function verifyBinary(path: string, version: string, packageSpec: string): Promise<void> {
  let reported: string;
  try {
    reported = await runVersion(path);
  } catch (error) {
    throw new UserError(
      `${packageSpec} does not run on this machine: ${(error as Error).message}`,
      'ERR_HEAPDRIFT_RUNTIME_BROKEN',
    );
  }
  if (reported !== version) {
    throw new UserError(
      `${packageSpec} holds node ${reported}, not ${version}; not installed`,
      'ERR_HEAPDRIFT_RUNTIME_BROKEN',
    );
  }
}

/** Rename, or accept a complete install that a concurrent process renamed first. */
async function moveIntoPlace(temporary: string, target: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await rename(temporary, target);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error;
      if (await readInstall(target)) {
        await rm(temporary, { recursive: true, force: true });
        return;
      }
      // A directory without a manifest is a leftover, not an install: set it aside and retry.
      const leftover = `${temporary}-leftover`;
      await rename(target, leftover).catch(() => undefined);
      await rm(leftover, { recursive: true, force: true });
    }
  }
  throw new UserError(
    `${target}: cannot be replaced; remove it or run heapdrift runtimes prune`,
    'ERR_HEAPDRIFT_CACHE',
  );
}

const corruptArchiveCodes = new Set([
  'EINTEGRITY',
  'TAR_BAD_ARCHIVE',
  'TAR_ABORT',
  'TAR_ENTRY_INVALID',
  'Z_DATA_ERROR',
  'Z_BUF_ERROR',
]);

function installError(error: unknown, packageSpec: string, cacheDir: string, integrity: string): unknown {
  if (error instanceof UserError) return error;
  const code = (error as { code?: string }).code ?? '';
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new UserError(
      `no space left on the device while installing ${packageSpec} into ${cacheDir}`,
      'ERR_HEAPDRIFT_NO_SPACE',
    );
  }
  if (corruptArchiveCodes.has(code) || code.startsWith('Z_')) {
    return new UserError(
      `integrity check failed for ${packageSpec}: the download does not match ${integrity.slice(0, 20)}… (${code}); nothing was installed`,
      'ERR_HEAPDRIFT_INTEGRITY',
    );
  }
  if (isNetworkError(error)) {
    return new RegistryUnreachableError(
      `cannot download ${packageSpec}: the registry is unreachable (${code || 'timeout'})`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new UserError(
      `${cacheDir}: cannot write the runtime cache (${code}); choose another with --cache-dir`,
      'ERR_HEAPDRIFT_CACHE',
    );
  }
  return error;
}
