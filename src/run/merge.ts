// Joins the shards of one matrix or sweep (`--shard i/n` on several machines) into the record
// the unsharded command would have written, same schema, refusing shards that do not belong
// together (another scenario, schema version, plan, heapdrift version) with one line each.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ErrorCode, UserError } from '../errors.js';
import { type MatrixRecord, RUN_SCHEMA_VERSION } from './result.js';
import type { SweepRecord } from './sweep-record.js';

export type ShardableRecord = MatrixRecord | SweepRecord;

export interface LoadedShard {
  file: string;
  record: ShardableRecord;
}

const SHARD_FILES = ['matrix.json', 'sweep.json'];

/** Reads a shard record: a matrix.json / sweep.json file or the directory holding one. */
export function loadShard(path: string): LoadedShard {
  if (!existsSync(path)) throw mergeError(`${path}: no such file or directory`, 'ERR_HEAPDRIFT_NOT_FOUND');
  let file = path;
  if (statSync(path).isDirectory()) {
    const found = SHARD_FILES.map((name) => join(path, name)).find((candidate) => existsSync(candidate));
    if (!found) throw mergeError(`${path}: no matrix.json or sweep.json here`);
    file = found;
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw mergeError(`${file}: not valid JSON (a damaged or foreign file)`);
  }
  const record = value as Partial<ShardableRecord> | null;
  if (typeof record !== 'object' || record === null || typeof record.schemaVersion !== 'number')
    throw mergeError(`${file}: no schemaVersion: not a heapdrift record`);
  if (record.kind !== 'matrix' && record.kind !== 'sweep')
    throw mergeError(`${file}: a ${JSON.stringify(record.kind)} record; merge joins matrix or sweep shards`);
  return { file, record: record as ShardableRecord };
}

export function mergeShards(shards: LoadedShard[], directory: string, id: string): ShardableRecord {
  if (shards.length === 0) throw mergeError('give the shard records (files or directories) to merge');
  const first = shards[0]!;
  for (const shard of shards) checkSameFamily(first, shard);
  checkShardSet(shards);
  const startedAt = shards.map((shard) => shard.record.startedAt).sort()[0]!;
  const ends = shards.map((shard) => shard.record.endedAt);
  const endedAt = ends.includes(null) ? null : (ends as string[]).sort().at(-1)!;
  const header = {
    ...first.record,
    id,
    directory,
    command: first.record.command.replace(/\s+--shard[= ]\S+/, ''),
    startedAt,
    endedAt,
  };
  delete (header as { shard?: unknown }).shard;
  if (first.record.kind === 'matrix') {
    const runs = shards.flatMap((shard) => (shard.record as MatrixRecord).runs);
    const order = (first.record as MatrixRecord).nodes;
    // A shard runs nodes at positions index-1, index-1+count, …: put each run back in its place.
    const placed = order.flatMap((_, position) => {
      const shard = shards.find(
        (item) => (position % item.record.shard!.count) + 1 === item.record.shard!.index,
      )!;
      const mine = (shard.record as MatrixRecord).runs;
      const rank = Math.floor(position / shard.record.shard!.count);
      return mine[rank] ? [mine[rank]] : [];
    });
    return { ...(header as MatrixRecord), runs: placed.length === runs.length ? placed : runs };
  }
  const sweep = first.record as SweepRecord;
  const cells = shards.flatMap((shard) => (shard.record as SweepRecord).cells);
  const key = (scenario: string, version: string) => `${scenario}\u0000${version}`;
  const byKey = new Map(cells.map((cell) => [key(cell.scenario, cell.version), cell]));
  const ordered = sweep.scenarios.flatMap((scenario) =>
    sweep.versions.flatMap((version) => {
      const cell = byKey.get(key(scenario, version));
      return cell ? [cell] : [];
    }),
  );
  return { ...(header as SweepRecord), cells: ordered };
}

function checkSameFamily(first: LoadedShard, other: LoadedShard): void {
  const a = first.record;
  const b = other.record;
  const differ = (what: string, x: unknown, y: unknown) =>
    mergeError(
      `${other.file}: ${what} ${JSON.stringify(y)}, but ${first.file} has ${JSON.stringify(x)}: not shards of one run`,
    );
  if (b.schemaVersion > RUN_SCHEMA_VERSION)
    throw mergeError(
      `${other.file}: schemaVersion ${b.schemaVersion} is newer than this heapdrift reads (${RUN_SCHEMA_VERSION})`,
      'ERR_HEAPDRIFT_RECORD_VERSION',
    );
  if (a.schemaVersion !== b.schemaVersion) throw differ('schemaVersion', a.schemaVersion, b.schemaVersion);
  if (a.kind !== b.kind) throw differ('kind', a.kind, b.kind);
  if (a.scenario !== b.scenario) throw differ('scenario', a.scenario, b.scenario);
  if (!b.shard)
    throw mergeError(`${other.file}: not a shard (made without --shard): nothing to merge it with`);
  if (a.shard!.count !== b.shard.count) throw differ('shard count', a.shard!.count, b.shard.count);
  if (a.kind === 'matrix' && b.kind === 'matrix' && a.nodes.join(',') !== b.nodes.join(','))
    throw differ('--node list', a.nodes.join(','), b.nodes.join(','));
  if (a.kind === 'sweep' && b.kind === 'sweep') {
    if (a.versions.join(',') !== b.versions.join(','))
      throw differ('versions', a.versions.join(','), b.versions.join(','));
    if (a.heapdriftVersion !== b.heapdriftVersion)
      throw differ('heapdrift version', a.heapdriftVersion, b.heapdriftVersion);
    if (JSON.stringify(a.schedule) !== JSON.stringify(b.schedule))
      throw differ('schedule', a.schedule, b.schedule);
  }
}

function checkShardSet(shards: LoadedShard[]): void {
  const count = shards[0]!.record.shard!.count;
  const seen = new Map<number, string>();
  for (const shard of shards) {
    const index = shard.record.shard!.index;
    const earlier = seen.get(index);
    if (earlier) throw mergeError(`${shard.file}: shard ${index}/${count} is also in ${earlier}`);
    seen.set(index, shard.file);
  }
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((index) => !seen.has(index));
  if (missing.length > 0)
    throw mergeError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')} missing: give every shard`,
    );
}

function mergeError(message: string, code: ErrorCode = 'ERR_HEAPDRIFT_MERGE'): UserError {
  return new UserError(`merge: ${message}`, code);
}
