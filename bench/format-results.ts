// The results files are committed and CI runs `biome ci .`: they are written as the
// formatter would write them.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = fileURLToPath(new URL('../../', import.meta.url));

export function formatResults(files: string[]): void {
  const biome = join(repository, 'node_modules', '.bin', 'biome');
  if (existsSync(biome)) spawnSync(biome, ['format', '--write', ...files], { stdio: 'ignore' });
}
