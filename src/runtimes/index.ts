// Node.js runtimes for heapdrift: resolve a spec (`22.14.0`, `22`, `lts`, `latest`, `system`,
// a path) to a node binary, downloading official builds from the npm registry's
// node-<os>-<arch> packages into an integrity-checked local cache.

export {
  defaultCacheDir,
  directorySize,
  type InstalledRuntime,
  listInstalledRuntimes,
  type PrunedEntry,
  pruneRuntimes,
} from './cache.js';
export { type InstallOptions, type InstallResult, installRuntime } from './install.js';
export { ltsMajor } from './lts.js';
export type { CacheOptions, RegistryOptions, RuntimeOptions } from './options.js';
export { binaryPackageName } from './platform.js';
export { listReleasedVersions, RegistryUnreachableError } from './registry.js';
export { type Runtime, resolveRuntime, resolveVersion } from './resolve.js';
export { parseRuntimeSpec, type RuntimeRequest } from './spec.js';
export {
  compareVersions,
  compareVersionTexts,
  parseRange,
  sortVersions,
  versionsBetween,
  versionsInRange,
} from './versions.js';
