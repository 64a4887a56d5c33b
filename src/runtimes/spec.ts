// What a runtime spec (the `--node` value) asks for: an exact version, a release line, a semver
// range (`>=22.10 <22.16`), `lts`, `latest`, `system`, or the path of a node binary. Parsing
// only; resolve.ts acts on it.

import { UserError } from '../errors.js';
import { normalizeVersion, parseRange } from './versions.js';

export type RuntimeRequest =
  | { kind: 'exact'; version: string }
  | { kind: 'line'; major: number; minor?: number }
  /** A semver range, normalized by semver (`>=22.10.0 <22.16.0-0`); `text` is as given. */
  | { kind: 'range'; range: string; text: string }
  | { kind: 'lts' }
  | { kind: 'latest' }
  | { kind: 'system' }
  | { kind: 'path'; path: string };

const linePattern = /^v?(\d+)(?:\.(\d+))?(?:\.x)?$/i;

export function parseRuntimeSpec(spec: string): RuntimeRequest {
  const text = spec.trim();
  const keyword = text.toLowerCase();
  if (keyword === 'lts') return { kind: 'lts' };
  if (keyword === 'latest' || keyword === 'current') return { kind: 'latest' };
  if (keyword === 'system') return { kind: 'system' };
  const version = normalizeVersion(text);
  if (version) return { kind: 'exact', version };
  const line = linePattern.exec(text);
  if (line) {
    const minor = line[2] === undefined ? undefined : Number(line[2]);
    return minor === undefined
      ? { kind: 'line', major: Number(line[1]) }
      : { kind: 'line', major: Number(line[1]), minor };
  }
  const range = parseRange(text);
  if (range) return { kind: 'range', range: range.range, text };
  if (looksLikePath(text)) return { kind: 'path', path: text };
  throw new UserError(
    `node spec "${spec}" is not a version (22.14.0, 22, 22.14, ">=22.10 <22.16", lts, latest), "system", or a path to a node binary`,
    'ERR_HEAPDRIFT_RUNTIME_SPEC',
  );
}

/** A path says so by its shape (`./node`, `/opt/node/bin/node`, `out\\Release\\node.exe`). */
function looksLikePath(text: string): boolean {
  return (
    text.includes('/') ||
    text.includes('\\') ||
    text.startsWith('.') ||
    text.startsWith('~') ||
    /\.exe$/i.test(text)
  );
}

/** How a request reads in messages: `22.x`, `22.14.x`, `lts`. */
export function describeRequest(request: RuntimeRequest): string {
  switch (request.kind) {
    case 'exact':
      return request.version;
    case 'line':
      return request.minor === undefined ? `${request.major}.x` : `${request.major}.${request.minor}.x`;
    case 'path':
      return request.path;
    case 'range':
      return `"${request.text}"`;
    default:
      return request.kind;
  }
}
