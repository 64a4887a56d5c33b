// The main job's acceptance, too long for `npm test` (about 10–15 minutes): retained-maps on
// 22.14.0 (leak), 22.15.0, 20.x and 24.x (no leak), three times each, every run within 60 s,
// and a bisection of all 22.x that names the first fixed release. Run: npm run acceptance
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = new URL('../dist/src/cli/main.js', import.meta.url).pathname;
const runsDir = mkdtempSync(join(tmpdir(), 'heapdrift-acceptance-'));
const expected = { '22.14.0': 'leak', '22.15.0': 'no-leak', 20: 'no-leak', 24: 'no-leak' };
const rounds = Number(process.env.ROUNDS ?? 3);
const rows = [];
let failures = 0;

function heapdrift(args) {
  const result = spawnSync(process.execPath, [cli, ...args, '--runs-dir', runsDir, '--json', '--quiet'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status === 2) throw new Error(`heapdrift ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

// Install first so download time is not counted in the 60 s.
for (const node of Object.keys(expected))
  execFileSync(process.execPath, [cli, 'runtimes', 'install', node], { stdio: 'inherit' });

for (let round = 1; round <= rounds; round++) {
  for (const [node, verdict] of Object.entries(expected)) {
    const started = Date.now();
    const run = heapdrift(['run', 'retained-maps', '--node', node]);
    const seconds = (Date.now() - started) / 1000;
    const track = run.tracks[0];
    const ok = run.verdict === verdict && seconds <= 60;
    if (!ok) failures++;
    rows.push({
      round,
      node: run.runtime.version,
      verdict: run.verdict,
      expected: verdict,
      seconds,
      last: track.measurements.selfSize.at(-1),
      ok,
    });
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} round ${round} Node ${run.runtime.version}: ${run.verdict} (expected ${verdict}) in ${seconds.toFixed(1)} s, retained_maps ${track.measurements.selfSize.join(',')}`,
    );
  }
}

const started = Date.now();
const bisect = heapdrift(['bisect', 'retained-maps', '--bad', '22.0.0', '--good', '22']);
const bisectOk = bisect.firstChanged === '22.15.0';
if (!bisectOk) failures++;
console.log(
  `${bisectOk ? 'ok  ' : 'FAIL'} bisect 22.0.0..22: ${bisect.reason} (${bisect.runs.length} runs, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
);
writeFileSync(
  join(runsDir, 'acceptance.json'),
  JSON.stringify({ rows, bisect: { reason: bisect.reason, firstChanged: bisect.firstChanged } }, null, 2),
  { mode: 0o600 },
);
console.log(`${failures === 0 ? 'passed' : `${failures} failed`}; runs in ${runsDir}`);
process.exitCode = failures === 0 ? 0 : 1;
