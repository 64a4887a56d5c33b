// The user's npm configuration, turned into pacote options, so heapdrift downloads from the
// same registry, through the same proxy and with the same credentials and cache as `npm`.
// Sources, later ones winning: the user config file (~/.npmrc, or $npm_config_userconfig),
// then `npm_config_*` environment variables. Project and global npmrc files are not read.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type NpmOptions = Record<string, unknown>;

export const defaultRegistry = 'https://registry.npmjs.org/';

/** Raw `key=value` settings, lower-case keys as npm spells them (`fetch-retries`). */
export function readNpmSettings(env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const settings = new Map<string, string>();
  const fromEnv = environmentSettings(env);
  const userConfig = fromEnv.get('userconfig') ?? join(homedir(), '.npmrc');
  for (const [key, value] of parseNpmrc(readOptional(userConfig), env)) settings.set(key, value);
  for (const [key, value] of fromEnv) settings.set(key, value);
  return settings;
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** npmrc is ini: `key = value` lines, `;`/`#` comments, `${VAR}` expanded from the environment. */
export function parseNpmrc(text: string, env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const settings = new Map<string, string>();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#') || line.startsWith('[')) continue;
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    const key = expand(line.slice(0, equals).trim(), env);
    const value = expand(unquote(line.slice(equals + 1).trim()), env);
    settings.set(key.startsWith('//') ? key : key.toLowerCase(), value);
  }
  return settings;
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

function expand(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/(\\*)\$\{([^}]+)\}/g, (whole, escapes: string, name: string) =>
    escapes.length % 2 === 1 ? whole.slice(1) : `${escapes}${env[name] ?? ''}`,
  );
}

function environmentSettings(env: NodeJS.ProcessEnv): Map<string, string> {
  const settings = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !/^npm_config_/i.test(name)) continue;
    // npm reads `npm_config_fetch_retries` as `fetch-retries`.
    settings.set(name.slice('npm_config_'.length).toLowerCase().replace(/_/g, '-'), value);
  }
  return settings;
}

const numberSettings: Record<string, string> = {
  'fetch-retries': 'fetchRetries',
  'fetch-retry-factor': 'fetchRetryFactor',
  'fetch-retry-mintimeout': 'fetchRetryMintimeout',
  'fetch-retry-maxtimeout': 'fetchRetryMaxtimeout',
  'fetch-timeout': 'timeout',
};
const booleanSettings: Record<string, string> = {
  'strict-ssl': 'strictSSL',
  'prefer-offline': 'preferOffline',
  'prefer-online': 'preferOnline',
};
const stringSettings: Record<string, string> = {
  registry: 'registry',
  proxy: 'proxy',
  'https-proxy': 'httpsProxy',
  noproxy: 'noProxy',
  ca: 'ca',
  cert: 'cert',
  key: 'key',
  'user-agent': 'userAgent',
};

/** pacote / npm-registry-fetch options for the given npm settings. */
export function pacoteOptions(settings: Map<string, string>): NpmOptions {
  const options: NpmOptions = { registry: defaultRegistry };
  for (const [key, value] of settings) {
    if (key.startsWith('//') || /^@[^:]+:registry$/.test(key)) options[key] = value;
    else if (key in stringSettings) options[stringSettings[key]!] = value;
    else if (key in numberSettings && Number.isFinite(Number(value)))
      options[numberSettings[key]!] = Number(value);
    else if (key in booleanSettings) options[booleanSettings[key]!] = value === 'true';
    else if (key === 'cache')
      options['cache'] = join(value, '_cacache'); // where npm keeps its cacache
    else if (key === 'cafile') options['ca'] = readOptional(value) || undefined;
  }
  return options;
}

/** The npm config of this environment as pacote options; `overrides` win. */
export function npmOptionsFromEnvironment(
  overrides: NpmOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): NpmOptions {
  return { ...pacoteOptions(readNpmSettings(env)), ...overrides };
}
