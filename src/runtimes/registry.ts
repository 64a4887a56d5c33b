// Reads the registry's packument of node-<os>-<arch> (through pacote, with the user's npm
// config): which Node.js versions exist, their tarball integrity, and publish times.
// Registry failures become one-line UserErrors; an unreachable registry gets its own class
// so callers can fall back to the cache.

import type pacote from 'pacote';
import { UserError } from '../errors.js';
import { ltsMajor } from './lts.js';
import { type NpmOptions, npmOptionsFromEnvironment } from './npm-config.js';
import type { RegistryOptions } from './options.js';
import { binaryPackageName, currentPlatform, type Platform } from './platform.js';
import { isRelease, sortVersions } from './versions.js';

export interface NodeReleases {
  packageName: string;
  registry: string;
  /** Every published version, ascending, pre-releases included. */
  versions: string[];
  integrity: Map<string, string>;
  distTags: Record<string, string>;
  time: Record<string, string>;
}

/** The registry could not be reached (DNS, refused, timeout, offline mode). */
export class RegistryUnreachableError extends UserError {
  constructor(message: string) {
    super(message, 'ERR_HEAPDRIFT_REGISTRY_UNREACHABLE');
  }
}

const networkErrorCodes = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EPIPE',
  'ENOTCACHED',
  'ERR_SOCKET_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  // @npmcli/agent's own timeouts and proxy failures
  'ECONNECTIONTIMEOUT',
  'EIDLETIMEOUT',
  'ERESPONSETIMEOUT',
  'ETRANSFERTIMEOUT',
  'EINVALIDPROXY',
]);

export function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, type } = error as Error & { code?: string; type?: string };
  return (code !== undefined && networkErrorCodes.has(code)) || type === 'request-timeout';
}

export function registryOptions(options: RegistryOptions): NpmOptions {
  const overrides: NpmOptions = { ...options.npmOptions };
  if (options.registry) overrides['registry'] = options.registry;
  return npmOptionsFromEnvironment(overrides);
}

type Pacote = typeof pacote;
let pacoteModule: Promise<Pacote> | undefined;

/** pacote loads ~1 s of modules: only commands that reach the registry pay for it. */
export function loadPacote(): Promise<Pacote> {
  pacoteModule ??= import('pacote').then(
    (module) => (module as { default?: Pacote }).default ?? (module as Pacote),
  );
  return pacoteModule;
}

// One packument per registry and package per process for a few minutes: bisect asks for
// many versions in a row. pacote's HTTP cache handles the rest.
const packumentMemo = new Map<string, { at: number; releases: Promise<NodeReleases> }>();
const memoMs = 5 * 60 * 1000;

export function fetchNodeReleases(
  options: RegistryOptions & { platform?: Platform } = {},
): Promise<NodeReleases> {
  const packageName = binaryPackageName(options.platform ?? currentPlatform);
  const npmOptions = registryOptions(options);
  const registry = String(npmOptions['registry']);
  const key = `${registry} ${packageName} ${JSON.stringify(options.npmOptions ?? {})}`;
  const memo = packumentMemo.get(key);
  if (memo && Date.now() - memo.at < memoMs) return memo.releases;
  options.onProgress?.(`fetching the ${packageName} versions from ${registry}`);
  const releases = loadReleases(packageName, registry, npmOptions);
  packumentMemo.set(key, { at: Date.now(), releases });
  releases.catch(() => packumentMemo.delete(key));
  return releases;
}

async function loadReleases(
  packageName: string,
  registry: string,
  npmOptions: NpmOptions,
): Promise<NodeReleases> {
  let packument: Awaited<ReturnType<typeof pacote.packument>>;
  try {
    packument = await (await loadPacote()).packument(packageName, npmOptions as pacote.Options);
  } catch (error) {
    throw registryError(error, packageName, registry);
  }
  const integrity = new Map<string, string>();
  for (const [version, manifest] of Object.entries(packument.versions)) {
    const value = manifest.dist?.integrity;
    if (value) integrity.set(version, value);
  }
  return {
    packageName,
    registry,
    versions: sortVersions(Object.keys(packument.versions)),
    integrity,
    distTags: { ...packument['dist-tags'] },
    time: { ...((packument as { time?: Record<string, string> }).time ?? {}) },
  };
}

function registryError(error: unknown, packageName: string, registry: string): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'E404') {
    return new UserError(
      `no Node.js binaries for ${currentPlatformText(packageName)}: the registry ${registry} has no package ${packageName}`,
      'ERR_HEAPDRIFT_UNSUPPORTED_PLATFORM',
    );
  }
  if (isNetworkError(error)) {
    return new RegistryUnreachableError(`cannot reach the registry ${registry} (${code ?? 'timeout'})`);
  }
  if (typeof code === 'string' && /^E\d{3}$/.test(code)) {
    return new UserError(
      `the registry ${registry} answered ${code.slice(1)} for ${packageName}`,
      'ERR_HEAPDRIFT_REGISTRY',
    );
  }
  return error;
}

function currentPlatformText(packageName: string): string {
  return packageName.replace(/^node-/, '').replace('-', '/');
}

/** Released versions (no pre-releases) of node-<os>-<arch>, ascending semver. */
export async function listReleasedVersions(
  options: RegistryOptions & { platform?: Platform; includePrereleases?: boolean } = {},
): Promise<string[]> {
  const releases = await fetchNodeReleases(options);
  return options.includePrereleases ? releases.versions : releases.versions.filter(isRelease);
}

export function latestRelease(releases: NodeReleases): string | undefined {
  return releases.versions.filter(isRelease).at(-1);
}

export function ltsLineOf(releases: NodeReleases): number | undefined {
  return ltsMajor({ versions: releases.versions, distTags: releases.distTags, time: releases.time });
}
