// The charting library inlined into every HTML report, so the file works offline and asks no
// server for anything: uPlot (MIT, github.com/leeoniya/uPlot), read from the installed
// package's prebuilt browser build.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ChartAssets {
  script: string;
  css: string;
  version: string;
}

let cached: ChartAssets | undefined;

export function chartAssets(): ChartAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let scriptFile: string;
  try {
    scriptFile = require.resolve('uplot/dist/uPlot.iife.min.js');
  } catch {
    throw new Error('the uplot package is missing: reinstall heapdrift (it draws the HTML report charts)');
  }
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const manifest = JSON.parse(readFileSync(require.resolve('uplot/package.json'), 'utf8')) as {
    version: string;
  };
  cached = { script: readFileSync(scriptFile, 'utf8'), css, version: manifest.version };
  return cached;
}
