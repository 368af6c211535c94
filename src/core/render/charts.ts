// Vega-Lite specs for the report's charts, as plain JSON objects (golden-
// testable; src/report/svg.ts compiles and renders them to SVG headless).
// Pure: builds data, never draws.
//
// - sizeChartSpec: a metric against message size on log–log axes, one line
//   per set (every label in the legend, even a set with no point here), CI
//   whiskers where known, published reference figures as dashed levels.
// - heatmapSpec: an all-pairs latency matrix, slow links outlined and marked.
// - trendChartSpec (trend-chart.ts): a metric's median over run dates, one
//   panel per metric, the current run highlighted (the nightly report).

import { formatBytes } from '../units.js';
import type { PairMatrix } from '../analysis/index.js';
import { CONFIG, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './chart-config.js';

export { VEGA_LITE_SCHEMA, type VegaLiteSpec } from './chart-config.js';
export { trendChartSpec, type TrendPoint } from './trend-chart.js';

export interface SizePoint {
  label: string;
  bytes: number;
  median: number;
  ciLow: number | null;
  ciHigh: number | null;
}

export interface ReferenceMark {
  /** The system, e.g. "Compute Engine c2d-standard-112 (2024)". */
  label: string;
  bytes: number;
  value: number;
}

export interface SizeChartInput {
  title: string;
  /** Axis title with unit, e.g. "median latency, µs"; keep it shorter than the chart is high. */
  yTitle: string;
  /** Every set's label, in order: the legend lists them all. */
  labels: readonly string[];
  points: readonly SizePoint[];
  references?: readonly ReferenceMark[];
  width?: number;
  height?: number;
}

/**
 * Ticks for the size axis: the sizes themselves when there are at most 7
 * (bench's 8 B, 1 KiB, 64 KiB, 1 MiB), else powers of two counted down from
 * the largest size in equal steps, at most 7 of them (smaller sizes are
 * drawn, unlabelled, left of the first tick).
 */
export function sizeTicks(sizes: readonly number[]): number[] {
  const distinct = [...new Set(sizes.filter((s) => s > 0))].sort((a, b) => a - b);
  if (distinct.length <= 7) return distinct;
  const lo = Math.log2(distinct[0] as number);
  const hi = Math.log2(distinct[distinct.length - 1] as number);
  const step = Math.max(1, Math.ceil((hi - lo) / 6));
  const exponents: number[] = [];
  for (let e = Math.floor(hi); e >= lo; e -= step) exponents.unshift(e);
  return exponents.map((e) => 2 ** e);
}

/**
 * Ticks for a log value axis: the powers of ten that span the values, with
 * 2 and 5 between them when the values span fewer than two decades (vega's
 * own log ticks draw every 2..9 as a grid line, which reads as noise).
 */
export function decadeTicks(values: readonly number[]): number[] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [];
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.ceil(Math.log10(Math.max(...positive)));
  const steps = hi - lo < 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e += 1) for (const m of steps) if (e < hi || m === 1) ticks.push(Number((m * 10 ** e).toPrecision(12)));
  return ticks;
}

/** Vega expression labelling a byte tick 8 B, 1 KiB, 64 KiB, 1 MiB. */
const BYTES_LABEL =
  "datum.value >= 1073741824 ? format(datum.value / 1073741824, '~g') + ' GiB' : datum.value >= 1048576 ? format(datum.value / 1048576, '~g') + ' MiB' : datum.value >= 1024 ? format(datum.value / 1024, '~g') + ' KiB' : datum.value + ' B'";

const REFERENCE_SHAPES = ['diamond', 'triangle-up', 'square', 'cross', 'triangle-down', 'circle'];

export function sizeChartSpec(input: SizeChartInput): VegaLiteSpec {
  const points = input.points.filter((p) => p.bytes > 0 && p.median > 0).map((p) => ({ ...p, size: formatBytes(p.bytes) }));
  const refs = (input.references ?? []).filter((r) => r.bytes > 0 && r.value > 0).map((r) => ({ ...r, size: formatBytes(r.bytes) }));
  const ticks = sizeTicks([...points.map((p) => p.bytes), ...refs.map((r) => r.bytes)]);
  const x = {
    field: 'bytes',
    type: 'quantitative',
    title: 'message size (log)',
    scale: { type: 'log', base: 2, nice: false },
    axis: { values: ticks, labelExpr: BYTES_LABEL, grid: true },
  };
  const yTicks = decadeTicks([...points.flatMap((p) => [p.median, p.ciLow ?? 0, p.ciHigh ?? 0]), ...refs.map((r) => r.value)]);
  const y = {
    field: 'median',
    type: 'quantitative',
    title: `${input.yTitle} (log)`,
    scale: { type: 'log', ...(yTicks.length > 1 ? { domain: [yTicks[0], yTicks[yTicks.length - 1]] } : {}) },
    axis: { grid: true, labelOverlap: 'greedy', ...(yTicks.length > 1 ? { values: yTicks } : {}) },
  };
  const color = {
    field: 'label',
    type: 'nominal',
    title: 'result set',
    scale: { domain: [...input.labels], scheme: 'tableau10' },
    legend: { orient: 'bottom', direction: 'vertical', symbolType: 'stroke', symbolStrokeWidth: 3 },
  };
  const layer: VegaLiteSpec[] = [
    { mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 40 } }, encoding: { x, y, color } },
    {
      transform: [{ filter: 'datum.ciLow != null && datum.ciHigh != null && datum.ciLow > 0' }],
      mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: { x, y: { field: 'ciLow', type: 'quantitative' }, y2: { field: 'ciHigh' }, color: { field: 'label', type: 'nominal', legend: null } },
    },
  ];
  if (refs.length > 0) {
    const refY = { field: 'value', type: 'quantitative' };
    layer.push(
      { data: { values: refs }, mark: { type: 'rule', strokeDash: [6, 4], color: '#666', strokeWidth: 1.2 }, encoding: { y: refY } },
      {
        data: { values: refs },
        mark: { type: 'point', filled: true, size: 70, color: '#444' },
        encoding: {
          x: { field: 'bytes', type: 'quantitative' },
          y: refY,
          shape: {
            field: 'label',
            type: 'nominal',
            title: 'published figure (dashed)',
            scale: { domain: refs.map((r) => r.label).filter((l, i, all) => all.indexOf(l) === i), range: REFERENCE_SHAPES },
            legend: { orient: 'bottom', direction: 'vertical' },
          },
        },
      },
    );
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: input.title,
    width: input.width ?? 460,
    height: input.height ?? 280,
    data: { values: points },
    layer,
    resolve: { legend: { color: 'independent', shape: 'independent' } },
    config: CONFIG,
  };
}

export interface HeatmapInput {
  title: string;
  matrix: PairMatrix;
  cellSize?: number;
}

/** The all-pairs latency matrix, both triangles; slow links outlined in red and marked "slow". */
export function heatmapSpec(input: HeatmapInput): VegaLiteSpec {
  const { matrix } = input;
  const cells = matrix.links.flatMap((l) => [
    { a: l.a, b: l.b, median: l.median, slow: l.slow },
    { a: l.b, b: l.a, median: l.median, slow: l.slow },
  ]);
  const medians = matrix.links.map((l) => l.median);
  const mid = (Math.min(...medians) + Math.max(...medians)) / 2;
  const side = (input.cellSize ?? 64) * matrix.hosts.length;
  const x = { field: 'b', type: 'ordinal', sort: matrix.hosts, title: null, axis: { labelAngle: -30, orient: 'top' } };
  const y = { field: 'a', type: 'ordinal', sort: matrix.hosts, title: null };
  const textColor = { condition: { test: `datum.median > ${mid}`, value: 'white' }, value: 'black' };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: input.title, subtitle: matrix.fence === null ? 'slow links need at least 4 pairs to judge' : `slow: above Tukey's upper fence of the pair medians, ${matrix.fence.toFixed(2)} µs` },
    width: side,
    height: side,
    data: { values: cells },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          x,
          y,
          color: { field: 'median', type: 'quantitative', title: 'median µs', scale: { scheme: 'blues' }, legend: { orient: 'right', gradientLength: Math.max(80, side - 20) } },
          stroke: { condition: { test: 'datum.slow', value: '#d62728' }, value: null },
          strokeWidth: { condition: { test: 'datum.slow', value: 3 }, value: 0 },
        },
      },
      // The median in every cell; a slow cell shows it a line higher, with "slow" under it.
      ...[
        { filter: '!datum.slow', dy: 0 },
        { filter: 'datum.slow', dy: -7 },
      ].map(({ filter, dy }) => ({
        transform: [{ filter }],
        mark: { type: 'text', fontSize: 11, dy },
        encoding: { x, y, text: { field: 'median', type: 'quantitative', format: '.3~r' }, color: textColor },
      })),
      {
        transform: [{ filter: 'datum.slow' }],
        mark: { type: 'text', fontSize: 11, fontWeight: 'bold', dy: 8 },
        encoding: { x, y, text: { value: 'slow' }, color: textColor },
      },
    ],
    config: CONFIG,
  };
}
