// Gives the memory of a snapshot that was measured back before the next one is read. V8 frees
// a dead graph's typed arrays only at its next full GC, which a process with a small JS heap
// may not run before the next file is parsed: the two graphs would then be in memory together.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * A full, synchronous GC. `--expose-gc` set at run time applies to contexts created after it,
 * so the `gc` function comes from a fresh context; the flag does not put `gc` on this
 * program's own global.
 */
export function releaseMemory(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
