// Mann–Whitney U test (Wilcoxon rank-sum) for comparing two result sets,
// with effect sizes. Two-sided p-value from the normal approximation with tie
// and continuity corrections; intended for the sample counts benchmarks
// produce (tens to thousands), not for tiny exact-test cases.

/**
 * erfc(x) by the Chebyshev fit of Numerical Recipes (erfcc): fractional error
 * below 1.2e-7 everywhere, so p-values stay accurate far into the tail.
 * (simple-statistics' table-based normal CDF stops at |z| = 3.09, which would
 * floor every p-value at 0.002: exactly asv's threshold.)
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Two-sided p-value of a standard normal statistic z: P(|Z| ≥ |z|) = erfc(|z|/√2). */
export function twoSidedNormalP(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

export interface MannWhitneyResult {
  nA: number;
  nB: number;
  /** U statistic for A: the number of pairs (a, b) with a > b, ties counting one half. */
  uA: number;
  uB: number;
  /** min(uA, uB), the usual reported U. */
  u: number;
  z: number;
  /** Two-sided p-value, normal approximation. */
  p: number;
  /** Probability of superiority P(A > B) + ½P(A = B) = uA / (nA·nB) (Vargha–Delaney A). */
  probabilityOfSuperiority: number;
  /** Rank-biserial correlation 2A − 1, in [−1, 1]; positive when A tends to be larger. */
  rankBiserial: number;
}

/** Average ranks (1-based) of the pooled values, and the tie-correction term Σ(t³ − t). */
function rankPooled(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(values.length).fill(0);
  let tieTerm = 0;
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && (order[end + 1] as { v: number }).v === (order[start] as { v: number }).v) end += 1;
    const average = (start + end) / 2 + 1;
    for (let k = start; k <= end; k += 1) ranks[(order[k] as { i: number }).i] = average;
    const t = end - start + 1;
    tieTerm += t * t * t - t;
    start = end + 1;
  }
  return { ranks, tieTerm };
}

export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const nA = a.length;
  const nB = b.length;
  if (nA === 0 || nB === 0) throw new RangeError('Mann–Whitney needs samples in both groups');
  for (const x of [...a, ...b]) {
    if (!Number.isFinite(x)) throw new RangeError(`sample ${String(x)} is not a finite number`);
  }
  const { ranks, tieTerm } = rankPooled([...a, ...b]);
  let rankSumA = 0;
  for (let i = 0; i < nA; i += 1) rankSumA += ranks[i] as number;
  const uA = rankSumA - (nA * (nA + 1)) / 2;
  const uB = nA * nB - uA;
  const n = nA + nB;
  const meanU = (nA * nB) / 2;
  const variance = ((nA * nB) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  let z = 0;
  let p = 1;
  if (variance > 0) {
    const diff = Math.abs(uA - meanU);
    z = Math.sign(uA - meanU) * Math.max(0, diff - 0.5) / Math.sqrt(variance);
    p = twoSidedNormalP(z);
  }
  const probabilityOfSuperiority = uA / (nA * nB);
  return {
    nA,
    nB,
    uA,
    uB,
    u: Math.min(uA, uB),
    z,
    p,
    probabilityOfSuperiority,
    rankBiserial: 2 * probabilityOfSuperiority - 1,
  };
}
