// Re-measures a knowledge-base entry: runs each of its recorded `matrix`/`bisect` commands with
// this heapdrift (a child process of the CLI, exactly as a user would run it) and writes the
// compacted record beside the entry. Usage, after `npm run build`:
//   node dist/src/knowledge/remeasure.js <entry-id> [--only <file>] [--data-dir src/knowledge/data]
//     [--cache-dir <dir>] [--runs-dir <dir>]

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { compactMeasurement, measurementText } from './compact.js';
import type { MeasurementRecord } from './load.js';
import { parseEntry } from './schema.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      only: { type: 'string' },
      'data-dir': { type: 'string', default: 'src/knowledge/data' },
      'cache-dir': { type: 'string' },
      'runs-dir': { type: 'string' },
    },
  });
  const id = positionals[0];
  if (!id) throw new Error('usage: remeasure.js <entry-id> [--only <file>] [--data-dir <dir>]');
  const directory = resolve(values['data-dir'], id);
  // Only the entry itself: its records are what this rewrites.
  const entryFile = join(directory, 'entry.json');
  const entry = parseEntry(entryFile, JSON.parse(readFileSync(entryFile, 'utf8')));
  for (const measurement of entry.measurements) {
    if (values.only && measurement.file !== values.only) continue;
    const extra = [
      '--json',
      '--quiet',
      ...(values['cache-dir'] ? ['--cache-dir', values['cache-dir']] : []),
      ...(values['runs-dir'] ? ['--runs-dir', values['runs-dir']] : []),
    ];
    process.stderr.write(`heapdrift ${measurement.args.join(' ')}\n`);
    const record = await runForRecord([...measurement.args, ...extra]);
    const file = join(directory, measurement.file);
    writeFileSync(file, measurementText(compactMeasurement(record)));
    process.stderr.write(`  → ${file}: ${summary(record)}\n`);
  }
}

/**
 * The CLI's --json record. A matrix exits 1 when something leaked and a bisection 2 when a step
 * reached no verdict: both are results to keep (the support check judges them), not failures.
 */
async function runForRecord(args: string[]): Promise<MeasurementRecord> {
  try {
    const { stdout } = await run(process.execPath, [CLI, ...args], { maxBuffer: 256 * 1024 * 1024 });
    return JSON.parse(stdout) as MeasurementRecord;
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (failed.stdout?.trimStart().startsWith('{')) return JSON.parse(failed.stdout) as MeasurementRecord;
    throw new Error(`heapdrift ${args.join(' ')} failed: ${failed.stderr?.trim() || String(error)}`);
  }
}

function summary(record: MeasurementRecord): string {
  const verdicts = record.runs.map((item) => `${item.runtime.version} ${item.verdict}`).join(', ');
  return record.kind === 'bisect' ? `${record.reason} (${verdicts})` : verdicts;
}

main().catch((error: unknown) => {
  process.stderr.write(`remeasure: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
