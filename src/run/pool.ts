// Runs async work over a list with at most `jobs` at a time, results in the list's order.
// Local parallel runs share the machine's cores: see the README on when that skews verdicts.

export async function mapWithJobs<T, R>(
  items: readonly T[],
  jobs: number,
  work: (item: T, position: number) => Promise<R>,
  shouldStop: () => boolean = () => false,
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !shouldStop()) {
      const position = next++;
      results[position] = await work(items[position]!, position);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}
