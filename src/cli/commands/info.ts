// `heapdrift info <file>`: what a heap snapshot holds, and how long reading it took.

import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatBytes, formatCount, formatDuration } from '../../format/index.js';
import { readHeapSnapshot } from '../../snapshot/index.js';
import { action, printJson } from '../output.js';

/** Version of the `--json` object; bumped when a field changes meaning or goes away. */
export const INFO_SCHEMA_VERSION = 1;

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('read a heap snapshot and print its node, edge and string counts')
    .argument('<file>', 'a .heapsnapshot file')
    .option('--json', 'print one JSON object (schemaVersion 1, kind "info")')
    .addHelpText(
      'after',
      `
--json prints { schemaVersion: 1, kind: "info", file, fileSize, nodeCount, edgeCount,
stringCount, totalSelfSize, extraNativeBytes, nodeFields, edgeFields, nodeTypes, edgeTypes,
sections, warnings, readMs }. Exit codes: 0, or 2 for an unreadable or malformed file.`,
    )
    .action(action(infoCommand));
}

async function infoCommand(file: string, flags: { json?: boolean }): Promise<number> {
  const started = performance.now();
  const graph = await readHeapSnapshot(file);
  const readMs = performance.now() - started;
  const fileSize = (await stat(file)).size;
  const meta = graph.header.meta;
  const sections = ['locations', 'samples', 'traceFunctionInfos'].filter(
    (name) => (graph[name as 'locations'] ?? []).length > 0,
  );
  const info = {
    schemaVersion: INFO_SCHEMA_VERSION,
    kind: 'info',
    file,
    fileSize,
    nodeCount: graph.nodeCount,
    edgeCount: graph.edgeCount,
    stringCount: graph.strings.count,
    totalSelfSize: graph.totalSelfSize,
    extraNativeBytes: graph.extraNativeBytes,
    nodeFields: meta.node_fields,
    edgeFields: meta.edge_fields,
    nodeTypes: graph.layout.nodeTypes,
    edgeTypes: graph.layout.edgeTypes,
    sections,
    warnings: graph.warnings,
    readMs: Math.round(readMs),
  };
  if (flags.json) {
    printJson(info);
    return 0;
  }
  const rate = fileSize / 1e6 / (readMs / 1000);
  const lines = [
    `file          ${file} (${formatBytes(fileSize)})`,
    `nodes         ${formatCount(info.nodeCount)}`,
    `edges         ${formatCount(info.edgeCount)}`,
    `strings       ${formatCount(info.stringCount)}`,
    `self size     ${formatBytes(info.totalSelfSize)}`,
    ...(info.extraNativeBytes ? [`extra native  ${formatBytes(info.extraNativeBytes)}`] : []),
    `node fields   ${info.nodeFields.join(', ')}`,
    `node types    ${info.nodeTypes.length} (${info.nodeTypes.join(', ')})`,
    `edge types    ${info.edgeTypes.join(', ')}`,
    `extra data    ${sections.length ? sections.join(', ') : 'none'}`,
    `read in       ${formatDuration(info.readMs)} (${rate.toFixed(0)} MB/s)`,
    ...graph.warnings.map((warning) => `warning       ${warning}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
