// Heap string contents stay out of reports unless asked (--show-strings). Records hold sizes,
// counts, class names and paths; the one place a string's contents can appear is the name of a
// tracked match that is itself a string, so that name is hidden by default.

import type { RunRecord, TrackEntry } from '../run/result.js';
import { isSingleRun, type SavedRecord } from './load.js';

/** V8's string classes as heap snapshots name them: `(string)`, `(concatenated string)`… */
const STRING_CLASS = /^\(?(?:concatenated |sliced |internalized |external |thin |cons )?string\)?$/i;

export function isStringClass(className: string | null): boolean {
  return className !== null && STRING_CLASS.test(className);
}

const HIDDEN = '(string contents hidden; --show-strings shows them)';

export function visibleNodeName(track: TrackEntry, showStrings: boolean): string | null {
  if (showStrings || !isStringClass(track.className)) return track.nodeName;
  return track.nodeName === null ? null : HIDDEN;
}

function redactRun(run: RunRecord, showStrings: boolean): RunRecord {
  if (showStrings || !run.tracks.some((track) => isStringClass(track.className))) return run;
  return {
    ...run,
    tracks: run.tracks.map((track) => ({ ...track, nodeName: visibleNodeName(track, false) })),
  };
}

/** The record as a report may show it: the same schema, string contents hidden unless asked. */
export function redactRecord<Record extends SavedRecord>(record: Record, showStrings: boolean): Record {
  if (isSingleRun(record)) return redactRun(record, showStrings) as Record;
  return { ...record, runs: record.runs.map((run) => redactRun(run, showStrings)) };
}
