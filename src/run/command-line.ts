// The `heapdrift run` command that reproduces one run from its options (runtime, schedule,
// tracks, runtime flags, environment, script arguments), shell-quoted, for records and reports.

import { formatCommand } from '../format/index.js';
import type { RunOptions } from './run-scenario.js';

export function runCommandLine(options: Omit<RunOptions, 'runsDir'>): string {
  const args = ['heapdrift', 'run', options.scenario, '--node', options.node];
  if (options.snapshots !== undefined) args.push('--snapshots', String(options.snapshots));
  if (options.everyIterations !== undefined) args.push('--every', String(options.everyIterations));
  if (options.everyMs !== undefined) args.push('--every', `${options.everyMs}ms`);
  if (options.durationMs !== undefined) args.push('--duration', `${options.durationMs}ms`);
  if (options.warmupSnapshots !== undefined) args.push('--warmup', String(options.warmupSnapshots));
  for (const track of options.track ?? []) args.push('--track', track);
  for (const flag of options.nodeArgs ?? []) args.push(`--node-arg=${flag}`);
  for (const [name, value] of Object.entries(options.env ?? {})) args.push('--env', `${name}=${value}`);
  if (options.untilSettled) args.push('--until-settled');
  if (options.scriptArgs?.length) args.push('--', ...options.scriptArgs);
  return formatCommand(args);
}
