// Deterministic shards: `--shard i/n` keeps every n-th item of a planned list, starting at the
// i-th, so n machines given the same list and flags split the work with nothing run twice.

import { UserError } from '../errors.js';

export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string, flag = '--shard'): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index < 1 || index > count)
    throw new UserError(
      `${flag} ${JSON.stringify(text)}: expected i/n with 1 <= i <= n, e.g. 1/4`,
      'ERR_HEAPDRIFT_OPTION',
    );
  return { index, count };
}

/** The items of shard `index` of `count`: positions index-1, index-1+count, … */
export function shardItems<T>(items: readonly T[], shard: ShardSpec | undefined): T[] {
  if (!shard) return [...items];
  return items.filter((_, position) => position % shard.count === shard.index - 1);
}

export function formatShard(shard: ShardSpec): string {
  return `${shard.index}/${shard.count}`;
}
