// Screenshot of an HTML report for the README (docs/report-screenshot.png), taken by Debian's
// chromium through playwright-core (a devDependency). Usage:
//   node scripts/report-screenshot.mjs <report.html> <out.png> [height]

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [input, output, height = '1500'] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: node scripts/report-screenshot.mjs <report.html> <out.png> [height]\n');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: Number(height) } });
  await page.goto(pathToFileURL(resolve(input)).href);
  await page.waitForSelector('html[data-charts-rendered]', { timeout: 15_000 });
  await page.screenshot({ path: output });
} finally {
  await browser.close();
}
