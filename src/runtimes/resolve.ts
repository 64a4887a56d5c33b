// Turns a runtime spec into a node binary on disk: exact versions and lines resolve against
// the registry and install on demand; cached installs are used without any network call for
// exact versions; lines fall back to the best cached match (with a note) when offline.

import semver from 'semver';
import { UserError } from '../errors.js';
import { inspectNodeBinary, systemNodePath } from './binary.js';
import { cacheDirOf, findInstalledRuntime, listInstalledRuntimes } from './cache.js';
import { installRuntime } from './install.js';
import type { RuntimeOptions } from './options.js';
import {
  fetchNodeReleases,
  latestRelease,
  ltsLineOf,
  type NodeReleases,
  RegistryUnreachableError,
} from './registry.js';
import { describeRequest, parseRuntimeSpec, type RuntimeRequest } from './spec.js';
import { highestInLine, highestInRange, isRelease } from './versions.js';

export interface Runtime {
  /** The spec as given (`22`, `lts`, `./out/Release/node`). */
  spec: string;
  /** Version without `v`, e.g. '22.14.0' (what the binary reports). */
  version: string;
  /** Absolute path of the node binary. */
  path: string;
  source: 'registry' | 'cache' | 'system' | 'path';
  /** Things the caller should know, e.g. "offline: used the highest cached 22.x". */
  notes: string[];
}

type VersionRequest = Exclude<RuntimeRequest, { kind: 'system' } | { kind: 'path' }>;

export async function resolveRuntime(spec: string, options: RuntimeOptions = {}): Promise<Runtime> {
  const request = parseRuntimeSpec(spec);
  switch (request.kind) {
    case 'system': {
      const binary = await inspectNodeBinary(await systemNodePath());
      return { spec, ...binary, source: 'system', notes: [] };
    }
    case 'path': {
      const binary = await inspectNodeBinary(request.path);
      return { spec, ...binary, source: 'path', notes: [] };
    }
    case 'exact':
      return resolveExact(spec, request.version, options);
    default:
      return resolveMoving(spec, request, options);
  }
}

async function resolveExact(spec: string, version: string, options: RuntimeOptions): Promise<Runtime> {
  // The cache answers first, so an installed exact version never touches the network.
  const cached = await findInstalledRuntime(version, options);
  if (cached) return { spec, version: cached.version, path: cached.path, source: 'cache', notes: [] };
  try {
    const installed = await installRuntime(version, options);
    return { spec, version: installed.version, path: installed.path, source: installed.source, notes: [] };
  } catch (error) {
    if (error instanceof RegistryUnreachableError) {
      throw new RegistryUnreachableError(
        `${error.message}, and the cache ${cacheDirOf(options)} has no node ${version}`,
      );
    }
    throw error;
  }
}

/** Lines, `lts` and `latest`: their meaning changes as Node releases, so ask the registry. */
async function resolveMoving(
  spec: string,
  request: VersionRequest,
  options: RuntimeOptions,
): Promise<Runtime> {
  const chosen = await chooseVersion(request, options);
  if (chosen.cached) return { spec, ...chosen.cached, source: 'cache', notes: chosen.notes };
  const installed = await installRuntime(chosen.version, options);
  return {
    spec,
    version: installed.version,
    path: installed.path,
    source: installed.source,
    notes: chosen.notes,
  };
}

export interface ChosenVersion {
  version: string;
  notes: string[];
  /** Set when the registry could not be asked and a cached install was picked instead. */
  cached?: { version: string; path: string };
}

/**
 * The exact version a spec stands for right now, without installing anything (matrix and
 * bisect planning). Paths and `system` are asked for their version.
 */
export async function resolveVersion(spec: string, options: RuntimeOptions = {}): Promise<ChosenVersion> {
  const request = parseRuntimeSpec(spec);
  if (request.kind === 'system' || request.kind === 'path') {
    const binary = await inspectNodeBinary(request.kind === 'path' ? request.path : await systemNodePath());
    return { version: binary.version, notes: [] };
  }
  if (request.kind === 'exact') return { version: request.version, notes: [] };
  return chooseVersion(request, options);
}

async function chooseVersion(request: VersionRequest, options: RuntimeOptions): Promise<ChosenVersion> {
  if (options.offline) return fromCache(request, options, 'offline');
  let releases: NodeReleases;
  try {
    releases = await fetchNodeReleases(options);
  } catch (error) {
    if (error instanceof RegistryUnreachableError) return fromCache(request, options, error.message);
    throw error;
  }
  const version = pickVersion(request, releases);
  if (!version) {
    throw new UserError(
      `no released node matches ${describeRequest(request)} in ${releases.packageName} on the registry ${releases.registry}`,
      'ERR_HEAPDRIFT_UNKNOWN_VERSION',
    );
  }
  return { version, notes: [] };
}

function pickVersion(request: VersionRequest, releases: NodeReleases): string | undefined {
  switch (request.kind) {
    case 'exact':
      return request.version;
    case 'line':
      return highestInLine(releases.versions, request.major, request.minor);
    case 'range':
      return highestInRange(releases.versions, new semver.Range(request.range));
    case 'latest':
      return latestRelease(releases);
    case 'lts': {
      const major = ltsLineOf(releases);
      return major === undefined ? undefined : highestInLine(releases.versions, major);
    }
  }
}

/** The best cached match when the registry cannot be asked; `lts` then means the highest even major. */
async function fromCache(
  request: VersionRequest,
  options: RuntimeOptions,
  reason: string,
): Promise<ChosenVersion> {
  const installed = await listInstalledRuntimes(options);
  const best = installed.filter(({ version }) => matchesRequest(version, request)).at(-1);
  const wanted = describeRequest(request);
  if (!best) {
    throw new RegistryUnreachableError(
      `${reason}, and the cache ${cacheDirOf(options)} has no node matching ${wanted}`,
    );
  }
  const meaning = request.kind === 'lts' ? 'cached even (LTS-style) major' : `cached match for ${wanted}`;
  return {
    version: best.version,
    cached: { version: best.version, path: best.path },
    notes: [
      `${reason}: using node ${best.version}, the highest ${meaning}; the registry may have a newer one`,
    ],
  };
}

function matchesRequest(version: string, request: VersionRequest): boolean {
  if (!isRelease(version)) return false;
  switch (request.kind) {
    case 'exact':
      return version === request.version;
    case 'line':
      return semver.satisfies(
        version,
        `${request.major}${request.minor === undefined ? '' : `.${request.minor}`}.x`,
      );
    case 'range':
      return semver.satisfies(version, request.range);
    case 'lts':
      return semver.major(version) % 2 === 0;
    default:
      return true;
  }
}
