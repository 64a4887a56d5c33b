// Copies the plain-JavaScript files that run inside target runtimes (the agent, the
// built-in scenarios) and the knowledge base's data files next to the compiled code, unchanged: they must run on Node 20–26
// exactly as written, so they are not compiled.
import { chmodSync, cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function copyPlainJs(fromDir, toDir) {
  if (!existsSync(fromDir)) return;
  for (const name of readdirSync(fromDir)) {
    const from = join(fromDir, name);
    const to = join(toDir, name);
    if (statSync(from).isDirectory()) copyPlainJs(from, to);
    else if (name.endsWith('.cjs') || name.endsWith('.mjs') || name.endsWith('.json')) cpSync(from, to);
  }
}

copyPlainJs('src', join('dist', 'src'));
if (existsSync('dist/src/cli/main.js')) chmodSync('dist/src/cli/main.js', 0o755);
