// The regression gate's decision rule. Pure: runs in, verdicts out.
//
// Per metric (kind, size, unit, host-pair class) the current run's median is
// compared with the distribution of the baseline runs' MEDIANS over a rolling
// window, never with pooled raw samples: on one machine the spread between
// runs is larger than the spread within one, so pooled samples make every
// small drift "significant" (DESIGN.md §4). A metric regresses only when its
// change is BOTH beyond the tolerance (asv's factor, ParallelCluster's 20-30%)
// AND outside what the history's own spread explains: a robust z-score on a
// log scale (Conbench's lookback z, made robust with the median and the MAD
// so that one bad night neither hides the next nor makes the history look
// noisier), or beyond the worst run the history has seen by more than its
// spread (a few very noisy runs give a wide MAD, yet an 8× drop below every
// one of them is no noise). README "Reports and nightly CI" states the rule.

import { median } from '../stats/index.js';
import type { ResultSet } from '../../schemas/index.js';
import {
  compareMetrics, directionOf, environmentChanges, metricLabel, metricsOf,
  type Direction, type Environment, type MetricKey, type RunMetric,
} from './gate-metrics.js';

export interface GateRun {
  /** The set's name or file, for messages. */
  name: string;
  /** ISO 8601 (metadata.date); history runs are ordered by it. */
  date: string;
  metrics: RunMetric[];
}

/** A result set as the gate sees it. */
export function gateRunOf(name: string, set: ResultSet): GateRun {
  return { name, date: set.metadata.date, metrics: metricsOf(set) };
}

export interface GateOptions {
  /** Relative change below which nothing is flagged (0.1 = 10%). */
  tolerance: number;
  /** Baseline runs a metric needs before it can fail; fewer is "warming up". 0 judges from the first run. */
  minHistory: number;
  /** The most recent runs that form the baseline. */
  window: number;
  /** Robust z beyond which a change is outside the history's spread. */
  zThreshold: number;
  /** Judge metrics whose environment changed against the whole history instead of reporting "environment changed". */
  strictEnv: boolean;
}

export const GATE_DEFAULTS: GateOptions = { tolerance: 0.1, minHistory: 5, window: 30, zThreshold: 4, strictEnv: false };

/** 1.4826 × MAD estimates the standard deviation of normal data. */
export const MAD_TO_SIGMA = 1.4826;
/** The spread is never taken as below 0.5% (identical medians would make any change significant). */
export const SPREAD_FLOOR = Math.log1p(0.005);

export type Verdict = 'pass' | 'improved' | 'regression' | 'warming-up' | 'new' | 'environment-changed' | 'missing' | 'failed';

export interface MetricVerdict extends MetricKey {
  id: string;
  label: string;
  direction: Direction;
  verdict: Verdict;
  /** True for regression, missing and failed: these make the gate exit 1. */
  failing: boolean;
  /** Baseline runs used. */
  history: number;
  baselineMedian: number | null;
  /** Relative robust spread of the baseline medians (1.4826 × MAD of their logs: 0.05 ≈ ±5%), before the floor. */
  spread: number | null;
  min: number | null;
  max: number | null;
  current: number | null;
  /** (current − baseline) / baseline. */
  change: number | null;
  /** |ln current − ln baseline| / max(spread, floor). */
  z: number | null;
  /** Fields of the environment that differ from the latest baseline run of this metric. */
  environmentChanges: (keyof Environment)[];
  reason: string;
}

export interface GateResult {
  verdicts: MetricVerdict[];
  /** 0 when nothing fails, 1 when at least one metric regressed, is missing or failed. */
  status: 0 | 1;
  counts: Record<Verdict, number>;
  options: GateOptions;
  historyRuns: number;
}

const sameEnvironment = (a: Environment, b: Environment): boolean => environmentChanges(a, b).length === 0;

/**
 * The baseline of one metric, on a log scale: run-to-run noise in latency
 * and bandwidth is multiplicative (a busy machine halves a bandwidth or
 * doubles a latency), and ratios are what the tolerance speaks of.
 */
export interface Baseline {
  /** Median of the baseline runs' medians. */
  median: number;
  /** Robust spread: 1.4826 × MAD of the runs' log medians (a relative spread: 0.05 ≈ ±5%); below 10 runs at least their range / d2(n). */
  logSpread: number;
  min: number;
  max: number;
  n: number;
}

/**
 * d2(n): the expected range of n standard normal values (2 ≤ n ≤ 9). Below
 * 10 runs the MAD is unreliable (of 3 runs, two close ones give a MAD near 0
 * whatever the third says), so the spread is at least range / d2(n).
 */
const D2 = [0, 0, 1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.97];
export const RANGE_FLOOR_BELOW = 10;

/** Median, robust spread and range of the baseline runs' medians (all > 0). */
export function baselineOf(medians: readonly number[]): Baseline {
  const logs = medians.map((m) => Math.log(m));
  const middle = median(medians);
  const center = Math.log(middle);
  const mad = median(logs.map((x) => Math.abs(x - center)));
  const min = Math.min(...medians);
  const max = Math.max(...medians);
  const n = medians.length;
  const fromRange = n >= 2 && n < RANGE_FLOOR_BELOW ? Math.log(max / min) / (D2[n] as number) : 0;
  return { median: middle, logSpread: Math.max(MAD_TO_SIGMA * mad, fromRange), min, max, n };
}

export interface Judgement {
  /** (current − baseline median) / baseline median. */
  change: number;
  /** Robust z: |ln current − ln baseline median| / max(spread, floor). */
  z: number;
  beyondTolerance: boolean;
  /** z beyond the threshold, or beyond the history's worst (or best) run by more than its spread. */
  beyondSpread: boolean;
  /** Beyond the history's own range widened by its spread. */
  outsideRange: boolean;
  worse: boolean;
}

/** The rule itself, for one metric. Figures must be > 0. */
export function judge(current: number, base: Baseline, direction: Direction, options: Pick<GateOptions, 'tolerance' | 'zThreshold'>): Judgement {
  const y = Math.log(current);
  const c = Math.log(base.median);
  const scale = Math.max(base.logSpread, SPREAD_FLOOR);
  const z = Math.abs(y - c) / scale;
  const change = current / base.median - 1;
  const worse = direction === 'lower-is-better' ? current > base.median : current < base.median;
  const outsideRange = y > Math.log(base.max) + scale || y < Math.log(base.min) - scale;
  return { change, z, beyondTolerance: Math.abs(change) > options.tolerance, beyondSpread: z > options.zThreshold || outsideRange, outsideRange, worse };
}

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

function judged(j: Judgement, options: GateOptions): { verdict: Verdict; reason: string } {
  const what = `${pct(j.change)}, z ${Number.isFinite(j.z) ? j.z.toFixed(1) : '∞'}`;
  const why = j.z > options.zThreshold ? `z > ${options.zThreshold}` : "beyond the history's range by more than its spread";
  if (j.beyondTolerance && j.beyondSpread) {
    return j.worse
      ? { verdict: 'regression', reason: `${what}: beyond the ${pct(options.tolerance).slice(1)} tolerance and outside the history's spread (${why})` }
      : { verdict: 'improved', reason: `${what}: better beyond the tolerance and the history's spread` };
  }
  if (j.beyondTolerance) return { verdict: 'pass', reason: `${what}: beyond the tolerance but within the history's own spread (z ≤ ${options.zThreshold})` };
  return { verdict: 'pass', reason: `${what}: within the ${pct(options.tolerance).slice(1)} tolerance` };
}

function verdictFor(id: string, current: RunMetric | undefined, history: readonly GateRun[], options: GateOptions): MetricVerdict {
  const runsWith = history.filter((run) => run.metrics.some((m) => m.id === id && m.median !== null && m.median > 0));
  const metricIn = (run: GateRun) => run.metrics.find((m) => m.id === id) as RunMetric;
  const template = current ?? metricIn(history.filter((run) => run.metrics.some((m) => m.id === id)).at(-1) as GateRun);
  const key: MetricKey = { kind: template.kind, bytes: template.bytes, unit: template.unit, pairClass: template.pairClass };
  const blank: MetricVerdict = {
    ...key, id, label: metricLabel(key), direction: directionOf(key.unit), verdict: 'pass', failing: false, history: 0,
    baselineMedian: null, spread: null, min: null, max: null, current: current?.median ?? null, change: null, z: null, environmentChanges: [], reason: '',
  };
  if (current === undefined) {
    const last = history.at(-1)?.name ?? 'the history';
    return { ...blank, verdict: 'missing', failing: true, reason: `not measured in the current run (the latest baseline run, ${last}, has it)` };
  }
  if (current.median === null) return { ...blank, verdict: 'failed', failing: true, reason: current.failure ?? 'no figure' };
  if (!(current.median > 0)) return { ...blank, verdict: 'failed', failing: true, reason: `median ${current.median} is not above 0` };
  const latest = runsWith.at(-1);
  const changes = latest ? environmentChanges(metricIn(latest).environment, current.environment) : [];
  const comparable = options.strictEnv ? runsWith : runsWith.filter((run) => sameEnvironment(metricIn(run).environment, current.environment));
  const window = (changes.length > 0 && !options.strictEnv ? runsWith : comparable).slice(-options.window);
  if (window.length === 0) return { ...blank, verdict: 'new', reason: 'no baseline run has this metric yet' };
  const base = baselineOf(window.map((run) => metricIn(run).median as number));
  const j = judge(current.median, base, blank.direction, options);
  const figures: MetricVerdict = { ...blank, history: base.n, baselineMedian: base.median, spread: base.logSpread, min: base.min, max: base.max, change: j.change, z: j.z, environmentChanges: changes };
  const outcome = judged(j, options);
  if (changes.length > 0 && !options.strictEnv) {
    const was = latest ? metricIn(latest).environment : current.environment;
    const detail = changes.map((field) => `${field} ${was[field] || '-'} → ${current.environment[field] || '-'}`).join('; ');
    return { ...figures, verdict: 'environment-changed', reason: `environment changed (${detail}); not judged (--strict-env judges it); against the earlier runs: ${outcome.reason}` };
  }
  if (base.n < options.minHistory) {
    return { ...figures, verdict: 'warming-up', reason: `${base.n} of ${options.minHistory} baseline runs; would be ${outcome.verdict}: ${outcome.reason}` };
  }
  const envNote = changes.length > 0 ? ` (environment changed: ${changes.join(', ')})` : '';
  return { ...figures, verdict: outcome.verdict, failing: outcome.verdict === 'regression', reason: `${outcome.reason}${envNote}` };
}

/**
 * Judges every metric of the current run, and every metric of the latest
 * baseline run that the current run lacks. `history` must be ordered oldest
 * first and hold complete runs only.
 */
export function gate(history: readonly GateRun[], current: GateRun, options: GateOptions = GATE_DEFAULTS): GateResult {
  const currentById = new Map(current.metrics.map((m) => [m.id, m]));
  const expected = history.at(-1)?.metrics.map((m) => m.id) ?? [];
  const ids = [...new Set([...current.metrics.map((m) => m.id), ...expected])];
  const verdicts = ids.map((id) => verdictFor(id, currentById.get(id), history, options)).sort(compareMetrics);
  const counts = Object.fromEntries((['pass', 'improved', 'regression', 'warming-up', 'new', 'environment-changed', 'missing', 'failed'] as const).map((v) => [v, 0])) as Record<Verdict, number>;
  for (const v of verdicts) counts[v.verdict] += 1;
  return { verdicts, status: verdicts.some((v) => v.failing) ? 1 : 0, counts, options, historyRuns: history.length };
}
