// `heapdrift info <file>`: what a heap snapshot holds, and how long reading it took.

import type { Command } from 'commander';
import { action } from '../output.js';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('read a heap snapshot and print its node, edge and string counts')
    .argument('<file>', 'a .heapsnapshot file')
    .option('--json', 'print one JSON object')
    .action(
      action(async (_file: string, _options: { json?: boolean }) => {
        throw new Error('not implemented yet');
      }),
    );
}
