// Synthetic message sizes and noise for the model's fitting tests.

/** Deterministic noise in [−amp, +amp] (a small LCG: no Math.random in tests). */
export function noise(amp: number, seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s / 2 ** 31) * 2 * amp - amp;
  };
}

/** Sizes 8 B to 4 MiB, four per octave. */
export const SIZES = Array.from({ length: 77 }, (_, i) => Math.round(8 * 2 ** (i / 4)));
