// Options of a capture in a child process, their defaults and checks, and the configuration
// handed to the child's agent (the HEAPDRIFT_AGENT environment variable).

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { CaptureMode } from './events.js';

export interface CaptureOptions {
  /** The node binary that runs the scenario (any version 20–26, or a custom build). */
  nodePath: string;
  /** An iteration module (setup / iteration / teardown) or a plain script. */
  scenarioFile: string;
  mode: CaptureMode;
  /** Snapshot schedule: every `ms` of run time and/or every `iterations` (iteration mode). */
  every: { ms?: number; iterations?: number };
  /** Total snapshots, baseline included; then the child is told to stop. */
  maxSnapshots?: number;
  /** Run time (after setup) after which the child is told to stop. */
  durationMs?: number;
  /** Where snapshot files go (created 0700 if missing). */
  snapshotDir: string;
  /** Extra node flags, e.g. ['--max-old-space-size=64']. */
  nodeArgs?: string[];
  /** Arguments after the script (plain scripts: process.argv[2...]). */
  scriptArgs?: string[];
  /** Added to the parent's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Cheap samples (no GC) between snapshots; 0 = only at snapshots. Default 250. */
  sampleMs?: number;
  /** A snapshot not complete after this is an error and ends the child. Default 120000. */
  snapshotTimeoutMs?: number;
  /** After the child was told to stop, how long it may take (teardown) before SIGKILL. Default 10000. */
  stopGraceMs?: number;
  /** Stop the child gracefully on SIGINT / SIGTERM of this process. Default true. */
  stopOnSignals?: boolean;
  /**
   * Keep heap object ids stable across snapshots (default true). V8 then tracks every object
   * move after the first snapshot, which slows allocation-heavy scenarios by ~20–30%; false
   * clears the id map after each snapshot (ids then do not match between snapshots).
   */
  stableObjectIds?: boolean;
  /** Child stdout/stderr: kept as tails only (default), also emitted as events, or also forwarded. */
  output?: 'tail' | 'events' | 'inherit';
  /** Also write the child's whole stdout and stderr to these files (created 0600). */
  outputFiles?: { stdout: string; stderr: string };
  /** Also pass the child's stdout and stderr through to this stream, live (e.g. our stderr). */
  forwardOutput?: NodeJS.WritableStream;
}

export interface ResolvedCaptureOptions
  extends Required<Omit<CaptureOptions, 'cwd' | 'env' | 'outputFiles' | 'forwardOutput'>> {
  cwd: string | undefined;
  env: Record<string, string>;
  outputFiles: { stdout: string; stderr: string } | undefined;
  forwardOutput: NodeJS.WritableStream | undefined;
}

/** What the child's agent reads from HEAPDRIFT_AGENT. */
export interface AgentConfig {
  mode: CaptureMode;
  scenario: string;
  snapshotDir: string;
  everyMs: number;
  everyIterations: number;
  maxSnapshots: number;
  durationMs: number;
  sampleMs: number;
  stableObjectIds: boolean;
  connectTimeoutMs: number;
  ownProcessGroup: boolean;
}

export const agentConfigVariable = 'HEAPDRIFT_AGENT';

export function resolveCaptureOptions(options: CaptureOptions): ResolvedCaptureOptions {
  const everyMs = options.every.ms ?? 0;
  const everyIterations = options.every.iterations ?? 0;
  checkPositive('every.ms', everyMs);
  checkPositive('every.iterations', everyIterations);
  if (options.mode === 'script' && everyIterations > 0) {
    throw new UserError('every.iterations needs an iteration scenario: a plain script counts no iterations');
  }
  if (everyMs === 0 && everyIterations === 0) {
    throw new UserError('a capture needs a schedule: every.ms or every.iterations');
  }
  const resolved: ResolvedCaptureOptions = {
    nodePath: options.nodePath,
    scenarioFile: resolve(options.scenarioFile),
    mode: options.mode,
    every: { ms: everyMs, iterations: everyIterations },
    maxSnapshots: options.maxSnapshots ?? 0,
    durationMs: options.durationMs ?? 0,
    snapshotDir: resolve(options.snapshotDir),
    nodeArgs: options.nodeArgs ?? [],
    scriptArgs: options.scriptArgs ?? [],
    env: options.env ?? {},
    cwd: options.cwd,
    sampleMs: options.sampleMs ?? 250,
    snapshotTimeoutMs: options.snapshotTimeoutMs ?? 120_000,
    stopGraceMs: options.stopGraceMs ?? 10_000,
    stopOnSignals: options.stopOnSignals ?? true,
    stableObjectIds: options.stableObjectIds ?? true,
    output: options.output ?? 'tail',
    outputFiles: options.outputFiles,
    forwardOutput: options.forwardOutput,
  };
  checkPositive('maxSnapshots', resolved.maxSnapshots);
  checkPositive('durationMs', resolved.durationMs);
  checkPositive('sampleMs', resolved.sampleMs);
  checkFile('nodePath', resolved.nodePath);
  checkFile('scenarioFile', resolved.scenarioFile);
  return resolved;
}

export function agentConfigOf(options: ResolvedCaptureOptions, ownProcessGroup: boolean): AgentConfig {
  return {
    mode: options.mode,
    scenario: options.scenarioFile,
    snapshotDir: options.snapshotDir,
    everyMs: options.every.ms ?? 0,
    everyIterations: options.every.iterations ?? 0,
    maxSnapshots: options.maxSnapshots,
    durationMs: options.durationMs,
    sampleMs: options.sampleMs,
    stableObjectIds: options.stableObjectIds,
    connectTimeoutMs: 15_000,
    ownProcessGroup,
  };
}

function checkPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new UserError(`${name} must be a positive number, got ${value}`);
  }
}

function checkFile(name: string, file: string): void {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new UserError(`${name}: no such file: ${file}`, 'ERR_HEAPDRIFT_NOT_FOUND');
  }
}
