// Where heapdrift's parse spends its time: runs the parse task under `node --cpu-prof` and
// sums the profile's self time by function, so the results file can say what to optimise.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runOnce } from './measure.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  /** `name (file:line)`, or V8's `(garbage collector)`, `(program)`, `(idle)`. */
  function: string;
  selfSeconds: number;
  share: number;
}

export interface ParseProfile {
  totalSeconds: number;
  /** The functions with the most self time. */
  top: ProfileEntry[];
  /** Self time summed by compiled file (`function` holds the file name). */
  byFile: ProfileEntry[];
}

export async function profileParse(file: string, directory: string, topCount = 10): Promise<ParseProfile> {
  const profileDirectory = mkdtempSync(join(directory, 'cpu-prof-'));
  try {
    const outcome = await runOnce('heapdrift-parse', file, 600, [
      '--cpu-prof',
      `--cpu-prof-dir=${profileDirectory}`,
    ]);
    if ('failed' in outcome) throw new Error(`profiling the parse failed: ${outcome.failed}`);
    const name = readdirSync(profileDirectory).find((entry) => entry.endsWith('.cpuprofile'));
    if (!name) throw new Error('node --cpu-prof wrote no profile');
    const profile = JSON.parse(readFileSync(join(profileDirectory, name), 'utf8')) as CpuProfile;
    return selfTimeByFunction(profile, topCount);
  } finally {
    rmSync(profileDirectory, { recursive: true, force: true });
  }
}

/** Sample i lasted timeDeltas[i + 1] microseconds (the delta is the gap before the next sample). */
export function selfTimeByFunction(profile: CpuProfile, topCount: number): ParseProfile {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (let index = 0; index < profile.samples.length; index++) {
    const duration = (profile.timeDeltas[index + 1] ?? 0) / 1e6;
    const frame = frames.get(profile.samples[index]!);
    const label = frame ? functionLabel(frame) : '(unknown)';
    byFunction.set(label, (byFunction.get(label) ?? 0) + duration);
    const file = frame?.url ? basename(frame.url) : label;
    byFile.set(file, (byFile.get(file) ?? 0) + duration);
    total += duration;
  }
  return {
    totalSeconds: total,
    top: largest(byFunction, total, topCount),
    byFile: largest(byFile, total, 6),
  };
}

function largest(seconds: Map<string, number>, total: number, count: number): ProfileEntry[] {
  return [...seconds]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([label, selfSeconds]) => ({
      function: label,
      selfSeconds,
      share: total > 0 ? selfSeconds / total : 0,
    }));
}

function functionLabel(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  // lineNumber is 0-based in CPU profiles; the compiled JS line (dist/), which source maps lead back from.
  return `${name} (${basename(frame.url)}:${frame.lineNumber + 1})`;
}
