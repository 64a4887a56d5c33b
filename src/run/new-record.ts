// The skeleton every saved record starts from (run, series, attach): its identity and private
// directory, and the fields that read "not finished yet" until the record keeper fills them.

import { join } from 'node:path';
import { describeEnvironment } from './environment.js';
import { makePrivateDirectory } from './files.js';
import { RUN_SCHEMA_VERSION, type RunRecord } from './result.js';

/** What differs between kinds of record; everything else starts empty. */
export type RecordStart = Pick<
  RunRecord,
  'kind' | 'verdictReason' | 'scenario' | 'runtime' | 'command' | 'schedule' | 'xUnit'
> &
  Partial<Pick<RunRecord, 'invocation' | 'output' | 'source'>>;

/** `<time>-<suffix>` under the runs directory, created 0700. */
export function recordDirectory(
  runsDir: string,
  startedAt: Date,
  suffix: string,
): { id: string; directory: string } {
  const id = `${startedAt.toISOString().replace(/[:.]/g, '-')}-${suffix}`;
  const directory = join(runsDir, id);
  makePrivateDirectory(directory);
  return { id, directory };
}

export function newRecord(
  identity: { id: string; directory: string },
  startedAt: Date,
  start: RecordStart,
): RunRecord {
  const { kind, verdictReason, scenario, runtime, command, schedule, xUnit, ...optional } = start;
  return {
    schemaVersion: RUN_SCHEMA_VERSION,
    kind,
    id: identity.id,
    directory: identity.directory,
    status: 'running',
    verdict: 'incomplete',
    verdictReason,
    scenario,
    runtime,
    command,
    environment: describeEnvironment(),
    schedule,
    startedAt: startedAt.toISOString(),
    endedAt: null,
    wallMs: 0,
    exit: null,
    ...optional,
    xUnit,
    snapshots: [],
    tracks: [],
    structures: [],
    classes: [],
  };
}
