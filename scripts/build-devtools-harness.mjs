// Bundles Chrome DevTools' heap snapshot worker code (TypeScript sources from the npm package
// chrome-devtools-frontend) into one ESM file that runs in Node 20, for cross-check tests.
// Three fixes make it run outside the browser: a stub for the generated core/i18n/locales.js,
// a Promise.withResolvers polyfill (Node 20 lacks it), and a static host-runtime choice. Usage: node scripts/build-devtools-harness.mjs [out]

import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const defaultHarnessPath = join(repository, 'dist', 'devtools-harness', 'devtools-heap-snapshot.mjs');
const entry = join(repository, 'test', 'devtools', 'heap-snapshot-entry.js');

const withResolversPolyfill = `if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve; let reject;
    const promise = new this((yes, no) => { resolve = yes; reject = no; });
    return { promise, resolve, reject };
  };
}`;

/** The generated locales module is not in the npm package; the worker only needs its names. */
const localesStub = {
  name: 'devtools-locales-stub',
  setup(context) {
    context.onResolve(
      { filter: /(^|\/)locales\.js$/ },
      (args) => args.importer.includes('i18n') && { path: args.path, namespace: 'locales-stub' },
    );
    context.onLoad({ filter: /.*/, namespace: 'locales-stub' }, () => ({
      contents: `export const LOCALES = ['en-US']; export const BUNDLED_LOCALES = ['en-US'];
        export const DEFAULT_LOCALE = 'en-US'; export const REMOTE_FETCH_PATTERN = ''; export const LOCAL_FETCH_PATTERN = '';`,
      loader: 'js',
    }));
  },
};

/**
 * Newer DevTools picks its host runtime with a top-level `await import()`, which deadlocks in
 * esbuild's bundled module graph (the module never settles); in Node the answer is known.
 */
const nodeHostRuntime = {
  name: 'devtools-node-host-runtime',
  setup(context) {
    context.onLoad({ filter: /core[\\/]platform[\\/]HostRuntime\.ts$/ }, (args) => ({
      contents: `import * as NodeRuntime from './node/node.js';
        export const IS_NODE = true; export const IS_BROWSER = false;
        export const HOST_RUNTIME = NodeRuntime.HostRuntime.HOST_RUNTIME;`,
      loader: 'ts',
      resolveDir: dirname(args.path),
    }));
  },
};

/** DevTools imports `foo.js` where the source is `foo.ts`. */
const typescriptSources = {
  name: 'devtools-ts-sources',
  setup(context) {
    context.onResolve({ filter: /\.js$/ }, (args) => {
      if (
        !args.importer.includes('chrome-devtools-frontend') &&
        !args.path.startsWith('chrome-devtools-frontend')
      ) {
        return undefined;
      }
      const base = args.path.startsWith('.')
        ? resolve(args.resolveDir, args.path)
        : join(repository, 'node_modules', args.path);
      const typescript = base.replace(/\.js$/, '.ts');
      if (existsSync(typescript)) return { path: typescript };
      if (existsSync(base)) return { path: base };
      return undefined;
    });
  },
};

/** Builds the bundle unless it is newer than its sources; returns its path. */
export async function buildDevToolsHarness(outfile = defaultHarnessPath) {
  // Rebuild when the entry, this script or the installed DevTools version changes.
  const devtoolsPackage = join(repository, 'node_modules', 'chrome-devtools-frontend', 'package.json');
  const sources = [entry, fileURLToPath(import.meta.url), devtoolsPackage];
  const newestSource = Math.max(...sources.map((source) => statSync(source).mtimeMs));
  if (existsSync(outfile) && statSync(outfile).mtimeMs > newestSource) return outfile;
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: withResolversPolyfill },
    plugins: [localesStub, nodeHostRuntime, typescriptSources],
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(await buildDevToolsHarness(process.argv[2] ? resolve(process.argv[2]) : defaultHarnessPath));
}
