// Deterministic pseudo-random numbers for tests, so a failure reproduces.

/** A linear congruential generator in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Approximately standard normal noise: the sum of 12 uniforms, minus 6. */
export function normalNoise(random: () => number): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += random();
  return sum - 6;
}
