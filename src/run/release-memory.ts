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
  if (!userSet(/^--(max-semi-space-size|semi-space-growth-factor)/))
    setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * Turns V8's optimizing compilers off in a process whose heavy work runs in its children (a
 * series' process: it maps each child's keys and judges, about 0.15 s a file). Their compiles
 * run on V8's worker threads, whose malloc arenas keep what the compiles freed: a series'
 * process grew 80 → 101 MiB over 20 files with them and 80 → 90 without, for 1.3 s more CPU
 * (Node 20; Node 24: 117 → 106 MiB). Left alone when the user chose a compiler flag.
 */
export function leaveOptimizingToChildren(): void {
  if (userSet(/^--(no-)?(turbofan|opt|maglev)(=|$)/)) return;
  setFlagsFromString('--no-turbofan');
  setFlagsFromString('--no-maglev');
}

/** Whether the process was started with a V8 flag matching `pattern` (command line or NODE_OPTIONS). */
function userSet(pattern: RegExp): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return given.some((flag) => pattern.test(flag));
}
