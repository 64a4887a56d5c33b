// Multiple-testing correction for the many structures tested in one run. At α = 5 %, one in
// twenty trendless structures would test significant by chance; a run verdict that says
// "leak" when any structure grows must control that.

/**
 * Benjamini–Hochberg adjusted p-values (Y. Benjamini and Y. Hochberg, "Controlling the false
 * discovery rate", JRSS B 57 (1995) 289–300): q_(i) = min over j ≥ i of p_(j) · m / j.
 * A test with q < α belongs to a set of discoveries whose expected share of false ones is ≤ α.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const count = pValues.length;
  const order = pValues.map((_, index) => index).sort((a, b) => pValues[a]! - pValues[b]!);
  const adjusted = new Array<number>(count);
  let running = 1;
  for (let rank = count; rank >= 1; rank--) {
    const index = order[rank - 1]!;
    running = Math.min(running, (pValues[index]! * count) / rank);
    adjusted[index] = running;
  }
  return adjusted;
}
