// The HTML report in a real browser (Debian's chromium, driven by playwright-core): every chart
// is drawn with a line per Node.js version, nothing is fetched, nothing logs an error, the
// structures table sorts. Saves a screenshot to test-artifacts/. Skips only without chromium.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { MatrixRecord } from '../src/run/result.js';
import { missingTool } from './helpers/missing-tool.js';
import { cliPath, distRoot, fixtureTracks, reportFixture } from './report-fixture.js';

/** Debian's chromium; HEAPDRIFT_CHROMIUM names another build. */
const CHROMIUM = process.env.HEAPDRIFT_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

test('the HTML report of a matrix renders every chart in chromium, offline and without errors', {
  skip: existsSync(CHROMIUM)
    ? false
    : missingTool(CHROMIUM, 'apt-get install chromium, or set HEAPDRIFT_CHROMIUM'),
}, async () => {
  const fixture = await reportFixture();
  const matrix = JSON.parse(readFileSync(join(fixture.matrixDir, 'matrix.json'), 'utf8')) as MatrixRecord;
  const output = join(mkdtempSync(join(tmpdir(), 'heapdrift-report-')), 'report.html');
  const made = spawnSync(process.execPath, [cliPath, 'report', fixture.matrixDir, '--output', output], {
    encoding: 'utf8',
  });
  assert.equal(made.status, 0, made.stderr);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    const warnings: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
      if (message.type() === 'warning') warnings.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('request', (request) => requests.push(request.url()));
    const url = pathToFileURL(output).href;
    await page.goto(url);
    await page.waitForSelector('html[data-charts-rendered]', { timeout: 15_000 });
    // Warnings of the page itself; the pixel reads below make Chrome warn about readbacks.
    assert.deepEqual(warnings, [], 'no console warnings while rendering');

    const charts = (await page.evaluate('window.heapdriftCharts')) as {
      id: string;
      series: string[];
      points: number[];
    }[];
    const versions = matrix.runs.map((run) => `Node ${run.runtime.version}`);
    const chartCount = await page.locator('.chart').count();
    assert.equal(charts.length, chartCount, 'a uPlot chart in every chart slot');
    assert.ok(charts.length >= fixtureTracks.length + 1, 'the tracks and the whole heap at least');
    for (const chart of charts) {
      // Tracks and the whole heap are measured in every run; a structure only where it was listed.
      if (/^(track|heap)-/.test(chart.id))
        assert.deepEqual(chart.series, versions, `${chart.id}: a line per version`);
      else assert.ok(chart.series.length > 0 && chart.series.every((label) => versions.includes(label)));
      for (const points of chart.points) assert.ok(points >= 2, `${chart.id}: points drawn`);
    }
    // The canvases hold drawn pixels (lines, axes), not an empty surface.
    const inked =
      (await page.evaluate(`Array.from(document.querySelectorAll('.chart canvas')).map((canvas) => {
        const context = canvas.getContext('2d');
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        let drawn = 0;
        for (let index = 3; index < pixels.length; index += 4) if (pixels[index] !== 0) drawn++;
        return drawn;
      })`)) as number[];
    assert.equal(inked.length, chartCount);
    for (const drawn of inked) assert.ok(drawn > 500, `a drawn canvas (${drawn} pixels)`);
    // Each version's line colour appears on the whole-heap chart (its versions' values differ,
    // where a structure's can be equal and one line hide the other).
    const colours = (await page.evaluate(`(() => {
        const data = JSON.parse(document.getElementById('heapdrift-data').textContent);
        const chart = data.charts.find((candidate) => candidate.kind === 'heap');
        const canvas = document.getElementById(chart.id).querySelector('canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        return chart.lines.map((line) => {
          const hex = data.palette[line.runIndex % data.palette.length];
          const rgb = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
          let found = 0;
          for (let index = 0; index < pixels.length; index += 4)
            if (Math.abs(pixels[index] - rgb[0]) < 8 && Math.abs(pixels[index + 1] - rgb[1]) < 8 && Math.abs(pixels[index + 2] - rgb[2]) < 8) found++;
          return found;
        });
      })()`)) as number[];
    for (const [index, found] of colours.entries())
      assert.ok(found > 20, `${versions[index]}'s line is drawn (${found})`);

    // Sorting by slope puts the rows in slope order.
    await page.locator('#structures th', { hasText: 'slope' }).click();
    const slopes = (await page.evaluate(
      `Array.from(document.querySelectorAll('#structures tbody tr')).map((row) => Number(row.cells[5].getAttribute('data-value')))`,
    )) as number[];
    assert.ok(slopes.length > 0);
    assert.deepEqual(
      slopes,
      [...slopes].sort((a, b) => a - b),
    );

    assert.deepEqual(errors, [], 'no console errors');
    assert.deepEqual(requests, [url], 'nothing fetched but the file itself');

    const artifacts = join(distRoot, '..', 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'report-screenshot.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});
