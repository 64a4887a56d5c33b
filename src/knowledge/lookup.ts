// What the knowledge base says about one Node.js version: per entry, affected or not, and the
// first fixed release on its line — or "not measured" when no one measured that line.

import semver from 'semver';
import type { LoadedEntry } from './load.js';
import type { KnowledgeEntry } from './schema.js';

export type KnowledgeStatus = 'affected' | 'not-affected' | 'not-measured';

export interface KnowledgeAnswer {
  id: string;
  title: string;
  scenario: string;
  version: string;
  status: KnowledgeStatus;
  /** The affected range on the version's line, as measured (null when none or not measured). */
  affected: string | null;
  /** The first release on the version's line without the leak, when one is known. */
  firstFixed: string | null;
  /** The records that support the answer (file names beside the entry). */
  evidence: string[];
  /**
   * When affected: the oldest release measured to be free of the leak from there on — the first
   * fixed release on this line, else on a later line; null when none is known.
   */
  upgradeTo: string | null;
}

export function answerFor(entry: KnowledgeEntry, version: string): KnowledgeAnswer {
  const major = semver.major(version);
  const line = entry.lines.find((candidate) => candidate.line === major);
  const base = { id: entry.id, title: entry.title, scenario: entry.scenario, version };
  if (!line) {
    return {
      ...base,
      status: 'not-measured',
      affected: null,
      firstFixed: null,
      evidence: [],
      upgradeTo: null,
    };
  }
  const affected = line.affected !== null && semver.satisfies(version, line.affected);
  return {
    ...base,
    status: affected ? 'affected' : 'not-affected',
    affected: line.affected,
    firstFixed: line.firstFixed,
    evidence: line.evidence,
    upgradeTo: affected ? upgradeTarget(entry, major) : null,
  };
}

function upgradeTarget(entry: KnowledgeEntry, fromLine: number): string | null {
  const lines = entry.lines.filter((line) => line.line >= fromLine).sort((a, b) => a.line - b.line);
  for (const line of lines) {
    const candidate = line.firstFixed ?? (line.affected === null ? `${line.line}.0.0` : null);
    // Only a release after which the line stays free of the leak (no later regression).
    const laterAffected = line.affected !== null && semver.satisfies(`${line.line}.9999.9999`, line.affected);
    if (candidate !== null && !laterAffected) return candidate;
  }
  return null;
}

export function answersFor(entries: LoadedEntry[], version: string): KnowledgeAnswer[] {
  return entries.map((loaded) => answerFor(loaded.entry, version));
}
