// Runs the leak tests' own cases in this process and prints one JSON line per case: what the
// tests and the flake benchmark check when the cases must run under another Node binary.
// Usage: node dist/test/helpers/leak-cases-run.js leaking|clean|all

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
  cpuMs: number;
  nodeVersion: string;
}

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
      nodeVersion: process.version,
    };
  } finally {
    cleanup();
  }
}

async function main(which: string): Promise<void> {
  const groups: [LeakCase[], CaseOutcome['group']][] = [];
  if (which === 'leaking' || which === 'all') groups.push([leakingCases, 'leaking']);
  if (which === 'clean' || which === 'all') groups.push([cleanCases, 'clean']);
  if (groups.length === 0) throw new Error(`unknown case group ${which}: leaking, clean or all`);
  for (const [cases, group] of groups) {
    for (const leakCase of cases) console.log(JSON.stringify(await runCase(leakCase, group)));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv[2] ?? 'all');
}
