// Options shared by the runtimes functions: where the cache is, whether the network may be
// used, and how to reach the registry.

import type { NpmOptions } from './npm-config.js';

export interface RegistryOptions {
  /** Registry URL; default: the user's npm config, else https://registry.npmjs.org/. */
  registry?: string;
  /** Extra pacote / npm-registry-fetch options (e.g. `{ fetchRetries: 0 }`), over the npm config. */
  npmOptions?: NpmOptions;
  /** Called with one-line progress messages (fetching, downloading, verifying). */
  onProgress?: (message: string) => void;
}

export interface CacheOptions {
  /** Directory holding installed runtimes; default: see defaultCacheDir(). */
  cacheDir?: string;
}

export interface RuntimeOptions extends RegistryOptions, CacheOptions {
  /** Never touch the network: only cached runtimes, system and paths resolve. */
  offline?: boolean;
}
