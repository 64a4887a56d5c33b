// Installs the tools the benchmarks compare against (memlab) into bench/tools/, once, so that a
// newcomer's `npm install` never fetches them. memlab depends on puppeteer, whose install step
// downloads a browser; the parse and full-load code measured here never starts one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const toolsDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench', 'tools');
if (existsSync(join(toolsDirectory, 'node_modules', '@memlab', 'core', 'package.json'))) process.exit(0);

process.stderr.write('bench: installing the comparison tools into bench/tools (once)\n');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
  cwd: toolsDirectory,
  stdio: 'inherit',
  env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' },
});
if (result.status !== 0) {
  process.stderr.write(
    `bench: npm ci in ${toolsDirectory} failed (exit ${result.status ?? result.signal})\n`,
  );
  process.exit(1);
}
