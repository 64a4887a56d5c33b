// Child-process entry of `series`: measures one snapshot file and exits, so that nothing of
// that snapshot (its arrays, the allocator's grown heaps) outlives it in the series' process.
// The parent (series-children.ts) sends one job and gets one answer back over IPC.

import { StructureKeys, type StructureKeysTail } from '../growth/index.js';
import {
  type FileAnswer,
  type MeasuredFile,
  measureSeriesFile,
  messageOf,
  type SeriesJob,
} from './series-file.js';

export type SeriesAnswer =
  | (MeasuredFile & {
      /** The child's own trie: the measurements are by its key ids, which the series maps to its own. */
      keys: StructureKeysTail;
    })
  | Exclude<FileAnswer, MeasuredFile>;

async function answer(job: SeriesJob): Promise<SeriesAnswer> {
  try {
    // A trie of this snapshot alone: sending the series' in would hold it through the parse.
    const keys = new StructureKeys();
    const measured = await measureSeriesFile(job.file, keys, job.tracks, job.runtime);
    // No signal is given here: a child is killed, not told.
    if (measured.type !== 'measured') return measured as Exclude<FileAnswer, MeasuredFile>;
    return { ...measured, keys: keys.tail() };
  } catch (error) {
    return { type: 'failed', message: messageOf(error) };
  }
}

// Ctrl-C reaches the whole process group: the parent decides, and kills this process.
process.on('SIGINT', () => {});
// A parent that is gone (killed, or left at a second Ctrl-C) wants nothing more.
process.on('disconnect', () => process.exit(1));
process.once('message', (job: SeriesJob) => {
  void answer(job).then((result) => {
    process.send!(result, () => process.exit(0));
  });
});
