// Why a child ended, from what the parent saw: exit code or signal, stderr, and whether the
// parent itself asked it to stop or killed it.

import type { ExitReason } from './events.js';

/** What V8 prints on stderr when the heap limit is hit (wording varies by version). */
const outOfMemoryPattern =
  /JavaScript heap out of memory|Reached heap limit|Fatal (?:JavaScript|process) out of memory|FatalProcessOutOfMemory/;

export interface ExitFacts {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** The parent sent a signal to end the child. */
  killedByParent: boolean;
  /** stop() was called (directly or by SIGINT / SIGTERM of the parent). */
  stopRequested: boolean;
  /** A snapshot exceeded its timeout and the parent ended the child. */
  timedOut: boolean;
}

export function isOutOfMemory(stderr: string): boolean {
  return outOfMemoryPattern.test(stderr);
}

export function exitReasonOf(facts: ExitFacts): ExitReason {
  if (isOutOfMemory(facts.stderr)) return 'out-of-memory';
  const endedByParent = facts.killedByParent && facts.signal !== null;
  if (facts.code !== 0 && !endedByParent) return 'crashed';
  if (facts.timedOut) return 'timeout';
  if (facts.stopRequested) return 'stopped';
  return 'completed';
}
