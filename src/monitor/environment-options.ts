// Monitor options from environment variables, for the preload (`--import
// heapdrift/monitor/register`) used where the service's code cannot change. A malformed value
// is a UserError naming the variable.

import { UserError } from '../errors.js';
import type { MonitorOptions } from './options.js';

export interface PreloadSettings {
  enabled: boolean;
  monitor: MonitorOptions;
  /** A file to append event lines to; undefined for stderr. */
  output: string | undefined;
  format: 'text' | 'json';
}

/** The variables the preload reads, for documentation and for the error messages. */
export const ENVIRONMENT_VARIABLES = {
  HEAPDRIFT_MONITOR: '`off` disables the preload',
  HEAPDRIFT_MONITOR_INTERVAL_MS: 'sampling interval (default 10000)',
  HEAPDRIFT_MONITOR_WARMUP_MS: 'readings not judged at first (default 12 intervals)',
  HEAPDRIFT_MONITOR_MIN_SPAN_MS: 'time the judged readings must span (default 30 intervals)',
  HEAPDRIFT_MONITOR_CONFIRMATIONS: 'evaluations that must agree before an event (default 3)',
  HEAPDRIFT_MONITOR_MIN_GROWTH_BYTES: 'smallest growth worth an event (default 2 MiB)',
  HEAPDRIFT_MONITOR_OUTPUT: 'file to append events to (default stderr)',
  HEAPDRIFT_MONITOR_FORMAT: '`text` (default) or `json` lines',
  HEAPDRIFT_MONITOR_SNAPSHOTS_DIR: 'take a snapshot series on suspicion, into this directory',
  HEAPDRIFT_MONITOR_SNAPSHOTS_COUNT:
    'snapshots per series (default 8, at least 7: a baseline and the 6 a verdict needs)',
  HEAPDRIFT_MONITOR_SNAPSHOTS_EVERY_MS: 'ms between them (default: the interval)',
  HEAPDRIFT_MONITOR_SNAPSHOTS_MAX_BYTES: 'disk quota of the directory (default 1 GiB)',
  HEAPDRIFT_MONITOR_SNAPSHOTS_COOLDOWN_MS: 'at most one series per this long (default 1 hour)',
  HEAPDRIFT_MONITOR_SNAPSHOTS_KEEP: '`1` keeps the snapshot files after their analysis',
} as const;

type Variable = keyof typeof ENVIRONMENT_VARIABLES;

/** The variable behind each option the preload sets, to name it when the option is refused. */
const OPTION_VARIABLES: Record<string, Variable> = {
  intervalMs: 'HEAPDRIFT_MONITOR_INTERVAL_MS',
  warmupMs: 'HEAPDRIFT_MONITOR_WARMUP_MS',
  minimumSpanMs: 'HEAPDRIFT_MONITOR_MIN_SPAN_MS',
  confirmations: 'HEAPDRIFT_MONITOR_CONFIRMATIONS',
  'rules.minimumGrowthBytes': 'HEAPDRIFT_MONITOR_MIN_GROWTH_BYTES',
  'snapshots.count': 'HEAPDRIFT_MONITOR_SNAPSHOTS_COUNT',
  'snapshots.every': 'HEAPDRIFT_MONITOR_SNAPSHOTS_EVERY_MS',
  'snapshots.maxBytes': 'HEAPDRIFT_MONITOR_SNAPSHOTS_MAX_BYTES',
  'snapshots.cooldownMs': 'HEAPDRIFT_MONITOR_SNAPSHOTS_COOLDOWN_MS',
};

/** An option error from options the preload read, reworded to name the variable that set it. */
export function namingVariable(error: UserError): UserError {
  const option = /option (\S+) must be/.exec(error.message)?.[1];
  const variable = option === undefined ? undefined : OPTION_VARIABLES[option];
  if (!variable) return error;
  return new UserError(
    error.message.replace(`option ${option}`, `${variable} (option ${option})`),
    error.code,
  );
}

export function preloadSettings(environment: NodeJS.ProcessEnv = process.env): PreloadSettings {
  const number = (name: Variable): number | undefined => {
    const text = environment[name];
    if (text === undefined || text === '') return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) {
      throw new UserError(
        `heapdrift monitor: ${name}=${JSON.stringify(text)} is not a number ≥ 0 (${ENVIRONMENT_VARIABLES[name]})`,
        'ERR_HEAPDRIFT_MONITOR_OPTION',
      );
    }
    return value;
  };
  const format = environment.HEAPDRIFT_MONITOR_FORMAT || 'text';
  if (format !== 'text' && format !== 'json') {
    throw new UserError(
      `heapdrift monitor: HEAPDRIFT_MONITOR_FORMAT=${JSON.stringify(format)} must be text or json`,
      'ERR_HEAPDRIFT_MONITOR_OPTION',
    );
  }
  const minimumGrowthBytes = number('HEAPDRIFT_MONITOR_MIN_GROWTH_BYTES');
  const snapshotsDir = environment.HEAPDRIFT_MONITOR_SNAPSHOTS_DIR;
  return {
    enabled: environment.HEAPDRIFT_MONITOR !== 'off',
    output: environment.HEAPDRIFT_MONITOR_OUTPUT || undefined,
    format,
    monitor: {
      intervalMs: number('HEAPDRIFT_MONITOR_INTERVAL_MS'),
      warmupMs: number('HEAPDRIFT_MONITOR_WARMUP_MS'),
      minimumSpanMs: number('HEAPDRIFT_MONITOR_MIN_SPAN_MS'),
      confirmations: number('HEAPDRIFT_MONITOR_CONFIRMATIONS'),
      rules: minimumGrowthBytes === undefined ? undefined : { minimumGrowthBytes },
      snapshots: snapshotsDir
        ? {
            dir: snapshotsDir,
            count: number('HEAPDRIFT_MONITOR_SNAPSHOTS_COUNT'),
            every: number('HEAPDRIFT_MONITOR_SNAPSHOTS_EVERY_MS'),
            maxBytes: number('HEAPDRIFT_MONITOR_SNAPSHOTS_MAX_BYTES'),
            cooldownMs: number('HEAPDRIFT_MONITOR_SNAPSHOTS_COOLDOWN_MS'),
            keep: environment.HEAPDRIFT_MONITOR_SNAPSHOTS_KEEP === '1',
          }
        : false,
    },
  };
}
