// Binary search over an ascending array, shared by the graph (edge → source node) and the
// string table (string → chunk).

/** The last position among the first `count` of `sorted` whose value is at most `value` (0 if none). */
export function lastAtOrBefore(sorted: ArrayLike<number>, count: number, value: number): number {
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (sorted[middle]! <= value) low = middle;
    else high = middle - 1;
  }
  return low;
}
