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

/**
 * Stops V8 from growing this process's young generation past its initial size. V8 doubles a
 * semi-space whenever the bytes surviving scavenges since the last doubling exceed it, a count
 * that only adds up, so a series' process reaches 16 MiB semi-spaces after a few files,
 * whatever one file needs. Only a process's start can cap the size (a child gets
 * `--max-semi-space-size`); a running one can stop the growth, whose factor V8 reads each time
 * it would grow. Left alone when the user sized the young generation.
 */
export function keepYoungGenerationSmall(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (given.some((flag) => /^--(max-semi-space-size|semi-space-growth-factor)/.test(flag))) return;
  setFlagsFromString('--semi-space-growth-factor=1');
}
