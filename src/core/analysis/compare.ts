// Comparing result sets, metric by metric: each set's median with its 95% CI,
// its ratio to the first set, and whether it differs from the first set.
// Pure.
//
// The test, per metric and set (against the first set):
// - raw samples on both sides: Mann–Whitney U (two-sided, normal
//   approximation) with Cliff's delta as the effect size. "Significant" means
//   p < ALPHA *and* |δ| ≥ 0.147, i.e. not a negligible effect (Romano et al.
//   2006): with thousands of samples, p alone flags differences too small to
//   matter.
// - no raw samples but a CI on both sides: non-overlapping 95% CIs are
//   significant, overlapping ones are not.
// - otherwise (imports: the tools print neither samples nor CIs): not tested,
//   with the reason; never an invented test.

import { mannWhitneyU } from '../stats/index.js';
import { lowerIsBetter, metricId, setMetrics, type MetricKey, type SetMetric } from './metrics.js';
import type { ResultSet } from '../../schemas/index.js';

export const ALPHA = 0.05;
export const NO_SAMPLES = 'no samples: CI overlap not testable';

export type EffectMagnitude = 'negligible' | 'small' | 'medium' | 'large';

export type SignificanceTest =
  | { method: 'mann-whitney'; p: number; cliffsDelta: number; magnitude: EffectMagnitude; significant: boolean }
  | { method: 'ci-overlap'; overlap: boolean; significant: boolean }
  | { method: 'none'; reason: string; significant: null };

export interface ComparisonCell {
  label: string;
  /** The figure (see statistic); null when this set lacks the metric. */
  median: number | null;
  /** 'mean' for an imported figure without a median (the tool's average). */
  statistic: 'median' | 'mean' | null;
  ciLow: number | null;
  ciHigh: number | null;
  samples: number | null;
  pairs: number | null;
  /** median / first set's median; null for the first set itself or when either lacks the metric. */
  ratio: number | null;
  /** Against the first set; null for the first set itself. */
  test: SignificanceTest | null;
  /** 'better' or 'worse' than the first set when the difference is significant, else 'same' or 'untested'. */
  verdict: 'better' | 'worse' | 'same' | 'untested' | null;
}

export interface ComparisonRow extends MetricKey {
  id: string;
  better: 'lower' | 'higher';
  cells: ComparisonCell[];
}

export interface LabelledSet {
  label: string;
  set: ResultSet;
}

export interface Comparison {
  labels: string[];
  rows: ComparisonRow[];
}

/** Cliff's delta magnitude thresholds (Romano et al. 2006): 0.147, 0.33, 0.474. */
export function effectMagnitude(delta: number): EffectMagnitude {
  const d = Math.abs(delta);
  if (d < 0.147) return 'negligible';
  if (d < 0.33) return 'small';
  if (d < 0.474) return 'medium';
  return 'large';
}

/** Tests `other` against `base` as the module comment says. */
export function significance(base: SetMetric, other: SetMetric): SignificanceTest {
  if (base.samples && other.samples) {
    const mw = mannWhitneyU(other.samples, base.samples);
    // Rank-biserial r = 2·P(other > base) + P(tie) − 1, which is Cliff's delta.
    const magnitude = effectMagnitude(mw.rankBiserial);
    return { method: 'mann-whitney', p: mw.p, cliffsDelta: mw.rankBiserial, magnitude, significant: mw.p < ALPHA && magnitude !== 'negligible' };
  }
  if (base.ciLow !== null && base.ciHigh !== null && other.ciLow !== null && other.ciHigh !== null) {
    const overlap = other.ciLow <= base.ciHigh && base.ciLow <= other.ciHigh;
    return { method: 'ci-overlap', overlap, significant: !overlap };
  }
  return { method: 'none', reason: NO_SAMPLES, significant: null };
}

function verdictOf(test: SignificanceTest, ratio: number, lowerBetter: boolean): ComparisonCell['verdict'] {
  if (test.significant === null) return 'untested';
  if (!test.significant || ratio === 1) return 'same';
  return ratio < 1 === lowerBetter ? 'better' : 'worse';
}

/** Labels as given, else each set's metadata.name; repeated labels get " (2)", " (3)". */
export function uniqueLabels(sets: readonly ResultSet[], given: readonly string[] = []): string[] {
  const seen = new Map<string, number>();
  return sets.map((set, i) => {
    const base = given[i] ?? set.metadata.name;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

/** Every metric present in more than one set, ordered by class, kind, unit, size. */
export function compareSets(sets: readonly LabelledSet[]): Comparison {
  const perSet = sets.map((s) => new Map(setMetrics(s.set).map((m) => [metricId(m), m])));
  const keys = new Map<string, SetMetric>();
  for (const metrics of perSet) for (const [id, m] of metrics) if (!keys.has(id)) keys.set(id, m);
  const rows: ComparisonRow[] = [];
  for (const [id, key] of keys) {
    const present = perSet.filter((metrics) => metrics.has(id)).length;
    if (present < 2) continue;
    const base = perSet[0]?.get(id);
    const lowerBetter = lowerIsBetter(key.unit);
    const cells = sets.map((s, i): ComparisonCell => {
      const m = perSet[i]?.get(id);
      if (!m) return { label: s.label, median: null, statistic: null, ciLow: null, ciHigh: null, samples: null, pairs: null, ratio: null, test: null, verdict: null };
      const cell: ComparisonCell = {
        label: s.label,
        median: m.median,
        statistic: m.statistic,
        ciLow: m.ciLow,
        ciHigh: m.ciHigh,
        samples: m.samples?.length ?? null,
        pairs: m.pairs,
        ratio: null,
        test: null,
        verdict: null,
      };
      if (i === 0) return cell;
      if (!base) return { ...cell, test: { method: 'none', reason: 'the first set has no such figure', significant: null }, verdict: 'untested' };
      cell.ratio = base.median === 0 ? null : m.median / base.median;
      cell.test = significance(base, m);
      cell.verdict = cell.ratio === null ? 'untested' : verdictOf(cell.test, cell.ratio, lowerBetter);
      return cell;
    });
    rows.push({ id, kind: key.kind, bytes: key.bytes, unit: key.unit, pairClass: key.pairClass, better: lowerBetter ? 'lower' : 'higher', cells });
  }
  const order = (r: ComparisonRow): string => `${r.pairClass === 'first-pair' ? 0 : 1}/${r.kind === 'latency' ? 0 : 1}${r.kind}/${r.unit}`;
  rows.sort((a, b) => order(a).localeCompare(order(b)) || a.bytes - b.bytes);
  return { labels: sets.map((s) => s.label), rows };
}
