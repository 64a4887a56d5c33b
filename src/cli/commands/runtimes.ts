// `heapdrift runtimes list|install|path|prune`: the local cache of Node.js binaries that
// runs and bisects use (official builds from the npm registry's node-<os>-<arch> packages).

import type { Command } from 'commander';
import { formatBytes, table } from '../../format/index.js';
import {
  defaultCacheDir,
  directorySize,
  listInstalledRuntimes,
  pruneRuntimes,
  type RuntimeOptions,
  resolveRuntime,
} from '../../runtimes/index.js';
import { stderrColors as pc } from '../colors.js';
import { action, printJson } from '../output.js';

interface CacheFlags {
  cacheDir?: string;
  offline?: boolean;
  json?: boolean;
}

const cacheDirHelp = 'runtime cache directory (default: $HEAPDRIFT_CACHE_DIR or ~/.cache/heapdrift/runtimes)';

export function registerRuntimes(program: Command): void {
  const runtimes = program
    .command('runtimes')
    .description('list, install, locate and prune cached Node.js runtimes');

  runtimes
    .command('list')
    .description('list installed runtimes: version, binary path, size on disk')
    .option('--cache-dir <dir>', cacheDirHelp)
    .option('--json', 'print one JSON array')
    .action(action(listCommand));

  runtimes
    .command('install')
    .description('install a runtime: 22.14.0, 22, 22.14, lts or latest')
    .argument('<spec>', 'runtime spec')
    .option('--cache-dir <dir>', cacheDirHelp)
    .option('--offline', 'do not use the network (only cached runtimes)')
    .option('--json', 'print one JSON object')
    .action(action(installCommand));

  runtimes
    .command('path')
    .description('print the node binary path for a spec, installing it if needed')
    .argument('<spec>', 'runtime spec: a version, line, lts, latest, system or a path')
    .option('--cache-dir <dir>', cacheDirHelp)
    .option('--offline', 'do not use the network (only cached runtimes)')
    .action(action(pathCommand));

  runtimes
    .command('prune')
    .description('remove interrupted and incomplete installs (with --all: every installed runtime)')
    .option('--cache-dir <dir>', cacheDirHelp)
    .option('--all', 'also remove complete installs')
    .option('--json', 'print one JSON array')
    .action(action(pruneCommand));
}

function runtimeOptions(flags: CacheFlags): RuntimeOptions {
  return {
    cacheDir: flags.cacheDir,
    offline: flags.offline === true,
    onProgress: (message) => process.stderr.write(`${pc.dim(message)}\n`),
  };
}

function printNotes(notes: string[]): void {
  for (const note of notes) process.stderr.write(`${pc.yellow('note:')} ${note}\n`);
}

async function listCommand(flags: CacheFlags): Promise<number> {
  const installs = await listInstalledRuntimes({ cacheDir: flags.cacheDir });
  const rows = await Promise.all(
    installs.map(async (install) => ({
      version: install.version,
      path: install.path,
      sizeBytes: await directorySize(install.dir),
      installedAt: install.installedAt,
    })),
  );
  if (flags.json) {
    printJson(rows);
    return 0;
  }
  if (rows.length === 0) {
    process.stderr.write(`no runtimes installed in ${flags.cacheDir ?? defaultCacheDir()}\n`);
    return 0;
  }
  const cells = rows.map((row) => [row.version, formatBytes(row.sizeBytes), row.path]);
  process.stdout.write(`${table(cells, { align: ['left', 'right', 'left'] })}\n`);
  return 0;
}

async function installCommand(spec: string, flags: CacheFlags): Promise<number> {
  const runtime = await resolveRuntime(spec, runtimeOptions(flags));
  printNotes(runtime.notes);
  if (flags.json) printJson(runtime);
  else {
    const how = {
      cache: 'already installed',
      registry: 'installed',
      system: 'is the system node',
      path: 'is a given binary',
    }[runtime.source];
    process.stdout.write(`node ${runtime.version} ${how}: ${runtime.path}\n`);
  }
  return 0;
}

async function pathCommand(spec: string, flags: CacheFlags): Promise<number> {
  const runtime = await resolveRuntime(spec, runtimeOptions(flags));
  printNotes(runtime.notes);
  process.stdout.write(`${runtime.path}\n`);
  return 0;
}

async function pruneCommand(flags: CacheFlags & { all?: boolean }): Promise<number> {
  const pruned = await pruneRuntimes({ cacheDir: flags.cacheDir, all: flags.all === true });
  if (flags.json) {
    printJson(pruned);
    return 0;
  }
  for (const entry of pruned) {
    process.stdout.write(`removed ${entry.path} (${entry.reason}, ${formatBytes(entry.bytes)})\n`);
  }
  const freed = pruned.reduce((total, entry) => total + entry.bytes, 0);
  process.stderr.write(
    `pruned ${pruned.length} ${pruned.length === 1 ? 'entry' : 'entries'}, ${formatBytes(freed)} freed\n`,
  );
  return 0;
}
