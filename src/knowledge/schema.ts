// The knowledge base's data format (documented in README.md beside this file): one entry per
// known runtime leak, with its affected ranges per release line and the committed measurement
// records that support them. Parsing checks every field and names the file and field at fault.

import semver from 'semver';
import { UserError } from '../errors.js';

export const KNOWLEDGE_SCHEMA_VERSION = 1;

export interface UpstreamReference {
  /** What the reference is to this leak: the report, the fix, a backport, release notes… */
  role: 'issue' | 'fix' | 'backport' | 'release' | 'related';
  /** Short form, e.g. nodejs/node#57412 or v8/v8@c172ffc5bf54. */
  ref: string;
  url: string;
  note?: string;
}

export interface LineEntry {
  /** The release line (major version). */
  line: number;
  /** A semver range of the affected releases on this line, or null when none is affected. */
  affected: string | null;
  /** The first release on this line that is not affected (after affected ones), or null. */
  firstFixed: string | null;
  /** Measurement record files (beside the entry) whose runs support this line's answer. */
  evidence: string[];
  /**
   * The first release on this line with the API the scenario uses, when later than x.0.0:
   * older releases cannot run it, so the range starts there without a bisection.
   */
  apiSince?: string;
}

export interface Measurement {
  /** The record file this measurement writes, beside the entry. */
  file: string;
  /** heapdrift arguments that re-measure it (`matrix …` or `bisect …`), without output flags. */
  args: string[];
}

export interface KnowledgeEntry {
  schemaVersion: typeof KNOWLEDGE_SCHEMA_VERSION;
  id: string;
  title: string;
  summary: string;
  /** The built-in scenario that shows the leak live. */
  scenario: string;
  /** What grows on an affected runtime: a tracked path or a class name. */
  grows: { kind: 'path' | 'class'; name: string };
  upstream: UpstreamReference[];
  lines: LineEntry[];
  measurements: Measurement[];
}

type Json = Record<string, unknown>;

export function parseEntry(file: string, value: unknown): KnowledgeEntry {
  const at = (field: string) => `${file}: ${field}`;
  const object = expectObject(value, at('the entry'));
  if (object.schemaVersion !== KNOWLEDGE_SCHEMA_VERSION)
    throw new UserError(
      `${at('schemaVersion')} is ${JSON.stringify(object.schemaVersion)}, this heapdrift reads ${KNOWLEDGE_SCHEMA_VERSION}`,
      'ERR_HEAPDRIFT_KNOWLEDGE',
    );
  const grows = expectObject(object.grows, at('grows'));
  return {
    schemaVersion: KNOWLEDGE_SCHEMA_VERSION,
    id: expectString(object.id, at('id')),
    title: expectString(object.title, at('title')),
    summary: expectString(object.summary, at('summary')),
    scenario: expectString(object.scenario, at('scenario')),
    grows: {
      kind: expectOneOf(grows.kind, ['path', 'class'] as const, at('grows.kind')),
      name: expectString(grows.name, at('grows.name')),
    },
    upstream: expectArray(object.upstream, at('upstream')).map((item, index) =>
      parseReference(item, at(`upstream[${index}]`)),
    ),
    lines: expectArray(object.lines, at('lines')).map((item, index) =>
      parseLine(item, at(`lines[${index}]`)),
    ),
    measurements: expectArray(object.measurements, at('measurements')).map((item, index) =>
      parseMeasurement(item, at(`measurements[${index}]`)),
    ),
  };
}

function parseReference(value: unknown, where: string): UpstreamReference {
  const object = expectObject(value, where);
  const reference: UpstreamReference = {
    role: expectOneOf(
      object.role,
      ['issue', 'fix', 'backport', 'release', 'related'] as const,
      `${where}.role`,
    ),
    ref: expectString(object.ref, `${where}.ref`),
    url: expectString(object.url, `${where}.url`),
  };
  if (object.note !== undefined) reference.note = expectString(object.note, `${where}.note`);
  return reference;
}

function parseLine(value: unknown, where: string): LineEntry {
  const object = expectObject(value, where);
  const line = object.line;
  if (typeof line !== 'number' || !Number.isInteger(line) || line < 0)
    throw knowledgeError(`${where}.line must be a major version number`);
  const affected = object.affected === null ? null : expectString(object.affected, `${where}.affected`);
  if (affected !== null && semver.validRange(affected) === null)
    throw knowledgeError(`${where}.affected: ${JSON.stringify(affected)} is not a semver range`);
  const firstFixed =
    object.firstFixed === null ? null : expectString(object.firstFixed, `${where}.firstFixed`);
  if (firstFixed !== null && semver.valid(firstFixed) === null)
    throw knowledgeError(`${where}.firstFixed: ${JSON.stringify(firstFixed)} is not a version`);
  const evidence = expectArray(object.evidence, `${where}.evidence`).map((item, index) =>
    expectString(item, `${where}.evidence[${index}]`),
  );
  if (evidence.length === 0) throw knowledgeError(`${where}.evidence: every line needs a measurement`);
  const entry: LineEntry = { line, affected, firstFixed, evidence };
  if (object.apiSince !== undefined) {
    const apiSince = expectString(object.apiSince, `${where}.apiSince`);
    if (semver.valid(apiSince) === null)
      throw knowledgeError(`${where}.apiSince: ${JSON.stringify(apiSince)} is not a version`);
    entry.apiSince = apiSince;
  }
  return entry;
}

function parseMeasurement(value: unknown, where: string): Measurement {
  const object = expectObject(value, where);
  const args = expectArray(object.args, `${where}.args`).map((item, index) =>
    expectString(item, `${where}.args[${index}]`),
  );
  if (args[0] !== 'matrix' && args[0] !== 'bisect')
    throw knowledgeError(`${where}.args must start with "matrix" or "bisect"`);
  return { file: expectString(object.file, `${where}.file`), args };
}

function knowledgeError(message: string): UserError {
  return new UserError(message, 'ERR_HEAPDRIFT_KNOWLEDGE');
}

function expectObject(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw knowledgeError(`${where} must be an object`);
  return value as Json;
}

function expectArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw knowledgeError(`${where} must be an array`);
  return value;
}

function expectString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw knowledgeError(`${where} must be a non-empty string`);
  return value;
}

function expectOneOf<T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T))
    throw knowledgeError(`${where} must be one of ${allowed.join(', ')}`);
  return value as T;
}
