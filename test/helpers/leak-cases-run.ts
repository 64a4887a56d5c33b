// Runs the leak tests' own cases in this process and prints one JSON line per case: what the
// tests and the flake benchmark check when the cases must run under another Node binary.
// Usage: node dist/test/helpers/leak-cases-run.js groups [repeats], groups e.g. leaking,clean
// (in that order), all of them `repeats` times (default 1)

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureLeak } from '../../src/testing/index.js';
import { cleanCases, type LeakCase, leakingCases } from './leak-cases.js';

export interface CaseOutcome {
  name: string;
  group: 'leaking' | 'clean';
  verdict: string;
  decidedBy: string;
  objectsPerCall: number;
  bytesPerCall: number;
  topClass: string | null;
  topClassPerCall: number | null;
  retainerPath: string | null;
  wallMs: number;
  /** CPU time of the whole process (all threads: V8's GC helpers too) during the measurement. */
  cpuMs: number;
  /** The measurement's place in its process: the first warms up the measurement itself too. */
  indexInProcess: number;
  nodeVersion: string;
}

let measured = 0;

export async function runCase(leakCase: LeakCase, group: CaseOutcome['group']): Promise<CaseOutcome> {
  const { fn, cleanup } = leakCase.make();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  try {
    const evidence = await measureLeak(fn);
    const cpu = process.cpuUsage(cpuBefore);
    const top = evidence.explanation?.classes[0];
    return {
      name: leakCase.name,
      group,
      verdict: evidence.verdict,
      decidedBy: evidence.decidedBy,
      objectsPerCall: evidence.objectsPerCall,
      bytesPerCall: evidence.bytesPerCall,
      topClass: top?.className ?? null,
      topClassPerCall: top?.objectsPerCall ?? null,
      retainerPath: evidence.explanation?.sample?.retainerPath ?? null,
      wallMs: performance.now() - wallBefore,
      cpuMs: (cpu.user + cpu.system) / 1000,
      indexInProcess: measured++,
      nodeVersion: process.version,
    };
  } finally {
    cleanup();
  }
}

const groups = { leaking: leakingCases, clean: cleanCases } as const;

async function main(which: string, repeats: number): Promise<void> {
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const group of which.split(',')) {
      if (group !== 'leaking' && group !== 'clean') throw new Error(`unknown case group ${group}`);
      for (const leakCase of groups[group]) console.log(JSON.stringify(await runCase(leakCase, group)));
    }
  }
}

// Only with a group named: `node --test dist/test/` (npm test) also runs the files under test/.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv[2]) {
  await main(process.argv[2], Number(process.argv[3] ?? 1));
}
