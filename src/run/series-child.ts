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
      /** Keys and strings the snapshot added to the series'. */
      newKeys: StructureKeysTail;
      /** This process's peak resident set, KiB, after the analysis. */
      maxRssKiB: number;
    })
  | Exclude<FileAnswer, MeasuredFile>;

async function answer(job: SeriesJob): Promise<SeriesAnswer> {
  try {
    const keys = StructureKeys.fromTail(job.keys);
    // The job stays referenced until the answer is sent: without this, its copy of the keys
    // (arrays and strings, tens of MiB on a 100 MB snapshot) would sit through the analysis.
    job.keys = StructureKeys.EMPTY_TAIL;
    const base = { key: keys.size, string: keys.stringCount };
    const measured = await measureSeriesFile(job.file, keys, job.tracks, job.runtime);
    if (measured.type !== 'measured') return measured as Exclude<FileAnswer, MeasuredFile>;
    return {
      ...measured,
      newKeys: keys.tail(base.key, base.string),
      maxRssKiB: process.resourceUsage().maxRSS,
    };
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
