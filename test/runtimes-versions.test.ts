// The pure parts of runtimes: spec parsing, version order and ranges, the LTS rule (on the
// registry's real release data and on its stated cases), and reading npm config files.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UserError } from '../src/errors.js';
import {
  compareVersions,
  compareVersionTexts,
  ltsMajor,
  parseRuntimeSpec,
  sortVersions,
  versionsBetween,
  versionsInRange,
} from '../src/runtimes/index.js';
import { npmOptionsFromEnvironment } from '../src/runtimes/npm-config.js';

const scratch = mkdtempSync(join(tmpdir(), 'heapdrift-runtimes-pure-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('specs: exact versions, lines, keywords and paths', () => {
  assert.deepEqual(parseRuntimeSpec('22.14.0'), { kind: 'exact', version: '22.14.0' });
  assert.deepEqual(parseRuntimeSpec('v22.14.0'), { kind: 'exact', version: '22.14.0' });
  assert.deepEqual(parseRuntimeSpec('4.0.0-rc.1'), { kind: 'exact', version: '4.0.0-rc.1' });
  assert.deepEqual(parseRuntimeSpec('22'), { kind: 'line', major: 22 });
  assert.deepEqual(parseRuntimeSpec('v22'), { kind: 'line', major: 22 });
  assert.deepEqual(parseRuntimeSpec('22.x'), { kind: 'line', major: 22 });
  assert.deepEqual(parseRuntimeSpec('22.14'), { kind: 'line', major: 22, minor: 14 });
  assert.deepEqual(parseRuntimeSpec('LTS'), { kind: 'lts' });
  assert.deepEqual(parseRuntimeSpec('latest'), { kind: 'latest' });
  assert.deepEqual(parseRuntimeSpec('system'), { kind: 'system' });
  assert.deepEqual(parseRuntimeSpec('./out/Release/node'), { kind: 'path', path: './out/Release/node' });
  assert.deepEqual(parseRuntimeSpec('/opt/node/bin/node'), { kind: 'path', path: '/opt/node/bin/node' });
  for (const bad of ['node22', '22.14.0.1', '', 'lts-iron']) {
    assert.throws(
      () => parseRuntimeSpec(bad),
      (error: Error) => error instanceof UserError && !error.message.includes('\n'),
      bad,
    );
  }
});

test('versions sort as semver: numbers, then pre-releases before their release', () => {
  assert.deepEqual(
    sortVersions([
      '22.10.0',
      '22.9.0',
      '4.0.0',
      '4.0.0-rc.1',
      '4.0.0-rc.10',
      '4.0.0-rc.2',
      'junk',
      '0.10.48',
    ]),
    ['0.10.48', '4.0.0-rc.1', '4.0.0-rc.2', '4.0.0-rc.10', '4.0.0', '22.9.0', '22.10.0'],
  );
  assert.ok(compareVersions('v22.15.0', '22.14.9') > 0);
  assert.equal(compareVersions('22.15.0', 'v22.15.0'), 0);
});

test('versionsBetween includes both ends and nothing outside', () => {
  const versions = ['22.16.0', '20.20.2', '22.13.1', '22.14.0', '22.15.0', '22.15.1', '23.0.0'];
  assert.deepEqual(versionsBetween('22.14.0', '22.15.1', versions), ['22.14.0', '22.15.0', '22.15.1']);
  assert.deepEqual(versionsBetween('22.14.5', '22.15.0', versions), ['22.15.0']);
  assert.deepEqual(versionsBetween('22.16.0', '22.14.0', versions), []);
});

test('LTS rule: an lts dist-tag wins; else the highest even line that is six months old or followed', () => {
  const now = Date.parse('2026-11-25T00:00:00Z');
  const versions = ['22.0.0', '22.5.0', '23.0.0', '24.0.0', '24.3.0', '25.0.0', '26.0.0', '26.1.0'];
  const time: Record<string, string> = {
    '22.0.0': '2024-04-24T00:00:00Z',
    '23.0.0': '2024-10-16T00:00:00Z',
    '24.0.0': '2025-05-06T00:00:00Z',
    '25.0.0': '2025-10-15T00:00:00Z',
    '26.0.0': '2026-10-01T00:00:00Z', // under six months before `now`, and no 27 yet
  };
  assert.equal(ltsMajor({ versions, distTags: {}, time }, now), 24);
  assert.equal(
    ltsMajor({ versions, distTags: {}, time: { ...time, '26.0.0': '2026-04-22T00:00:00Z' } }, now),
    26,
  );
  assert.equal(ltsMajor({ versions: [...versions, '27.0.0'], distTags: {}, time }, now), 26);
  assert.equal(ltsMajor({ versions, distTags: { lts: '22.5.0' }, time }, now), 22);
  assert.equal(ltsMajor({ versions: ['25.0.0'], distTags: {}, time: {} }, now), undefined);
});

test('npm config: user file, then npm_config_* variables, mapped to pacote options', () => {
  const userConfig = join(scratch, 'npmrc');
  writeFileSync(
    userConfig,
    [
      '; a comment',
      'registry = https://registry.example.test/',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: npmrc's own ${VAR} syntax
      'cache=/var/cache/npm-of-${USER_NAME}',
      'fetch-retries=5',
      'strict-ssl=false',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: npmrc's own ${VAR} syntax
      '//registry.example.test/:_authToken=${TOKEN_FROM_ENV}',
      'unknown-setting=kept out',
    ].join('\n'),
  );
  const env = {
    npm_config_userconfig: userConfig,
    USER_NAME: 'ada',
    TOKEN_FROM_ENV: 'not-a-real-token',
    npm_config_fetch_retries: '1',
    NPM_CONFIG_HTTPS_PROXY: 'http://proxy.example.test:3128',
  };
  assert.deepEqual(npmOptionsFromEnvironment({ preferOnline: true }, env), {
    registry: 'https://registry.example.test/',
    cache: '/var/cache/npm-of-ada/_cacache',
    fetchRetries: 1,
    strictSSL: false,
    '//registry.example.test/:_authToken': 'not-a-real-token',
    httpsProxy: 'http://proxy.example.test:3128',
    preferOnline: true,
  });
  assert.deepEqual(npmOptionsFromEnvironment({}, { npm_config_userconfig: join(scratch, 'missing') }), {
    registry: 'https://registry.npmjs.org/',
  });
});

test('semver ranges: a spec of their own, expanded to the releases they hold', () => {
  const spec = parseRuntimeSpec('>=22.10 <22.16');
  assert.equal(spec.kind, 'range');
  assert.equal(parseRuntimeSpec('^22.12').kind, 'range');
  assert.deepEqual(parseRuntimeSpec('22.14'), { kind: 'line', major: 22, minor: 14 }, 'a line stays a line');
  const versions = ['22.9.0', '22.10.0', '22.15.1', '22.16.0', '22.16.0-rc.1', '23.0.0', '20.20.2'];
  assert.deepEqual(versionsInRange(spec.kind === 'range' ? spec.range : '', versions), [
    '22.10.0',
    '22.15.1',
  ]);
  assert.deepEqual(versionsInRange('>=22.16.0-rc.0 <23', versions), ['22.16.0-rc.1', '22.16.0']);
});

test('a pre-release orders before its release everywhere, records included', () => {
  assert.ok(compareVersions('22.0.0-rc.1', '22.0.0') < 0);
  assert.deepEqual(['22.0.0', 'a custom build', '22.0.0-rc.1', '21.7.3'].sort(compareVersionTexts), [
    '21.7.3',
    '22.0.0-rc.1',
    '22.0.0',
    'a custom build',
  ]);
});
