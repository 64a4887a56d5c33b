// The scenario's own source for a bug report: the user's code (or a built-in scenario), read
// from the file the run used. Huge or missing files are named, not inlined.

import { existsSync, readFileSync, statSync } from 'node:fs';
import type { RunRecord } from '../run/result.js';

const LARGEST_INLINED = 64 * 1024;

export type ScenarioText = { file: string; text: string } | { file: string; missing: string };

export function scenarioText(run: RunRecord): ScenarioText {
  const file = run.scenario.file;
  // A series names snapshot files and an attach a live process: no source, and never inline a heap.
  if (run.kind !== 'run')
    return {
      file,
      missing: `a ${run.kind === 'series' ? 'series of heap snapshots' : 'live process'}, not a scenario`,
    };
  if (!existsSync(file)) return { file, missing: 'the file is no longer there' };
  const size = statSync(file).size;
  if (size > LARGEST_INLINED) return { file, missing: `${size} bytes: too large to inline` };
  return { file, text: readFileSync(file, 'utf8') };
}
