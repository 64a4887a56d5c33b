// When a record is re-judged while its snapshots keep coming: after each of the first 32, then
// after every 2nd up to 64, every 4th up to 128, and so on (16 judgements per doubling of the
// run), and always at the end. The record says how many snapshots its verdicts cover.

/**
 * Why: judging one series of n samples costs O(n²) today (about 391 ms for the ~250 series of a
 * run at n = 1,000), and a long `attach` or `series` re-judged all of them after every snapshot,
 * so each new snapshot cost more than the last. On this schedule the judging a run does up to n
 * snapshots is a few times the cost of one judgement at n, spread over n/16 snapshots or more
 * (bench/results/judging-schedule.md). Nothing that needs a verdict per snapshot (the stopping
 * rule) uses the schedule: it asks for every snapshot.
 */
export const JUDGED_EVERY_SNAPSHOT_UP_TO = 32;

export function judgesAfterSnapshot(count: number): boolean {
  if (count <= JUDGED_EVERY_SNAPSHOT_UP_TO) return true;
  const stride = 2 ** (Math.floor(Math.log2(count)) - Math.log2(JUDGED_EVERY_SNAPSHOT_UP_TO) + 1);
  return count % stride === 0;
}
