// A metric's median over run dates, for the nightly report's trends: one
// panel per metric, CI whiskers where known, the current run highlighted.
// Pure.

import { CONFIG, VEGA_LITE_SCHEMA, type VegaLiteSpec } from './chart-config.js';

export interface TrendPoint {
  /** Panel name, e.g. "latency 8 B (µs)". */
  metric: string;
  /** ISO date of the run. */
  date: string;
  median: number;
  ciLow?: number | null;
  ciHigh?: number | null;
  /** The run this report is about: drawn larger, in red, and named in the legend. */
  current?: boolean;
}

/**
 * A metric's median over run dates: one panel per metric (independent y
 * scales), CI whiskers where known, the current run highlighted. For the
 * nightly report: `renderReportHtml({ ..., sections: [{ title, svg: await
 * renderSvg(trendChartSpec(points)) }] })`.
 */
export function trendChartSpec(points: readonly TrendPoint[], options: { title?: string; width?: number; height?: number } = {}): VegaLiteSpec {
  const values = points.map((p) => ({ ...p, ciLow: p.ciLow ?? null, ciHigh: p.ciHigh ?? null, run: p.current ? 'this run' : 'earlier runs' }));
  const x = { field: 'date', type: 'temporal', title: 'run date', axis: { format: '%b %d', labelOverlap: 'greedy', grid: true } };
  const y = { field: 'median', type: 'quantitative', title: 'median', scale: { zero: false }, axis: { grid: true, tickCount: 4 } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    data: { values },
    facet: { row: { field: 'metric', type: 'nominal', title: null, sort: [...new Set(points.map((p) => p.metric))], header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontSize: 12 } } },
    spec: {
      width: options.width ?? 460,
      height: options.height ?? 120,
      layer: [
        { mark: { type: 'line', color: '#888', strokeWidth: 1.5 }, encoding: { x, y } },
        { transform: [{ filter: 'datum.ciLow != null && datum.ciHigh != null' }], mark: { type: 'rule', color: '#888' }, encoding: { x, y: { field: 'ciLow', type: 'quantitative' }, y2: { field: 'ciHigh' } } },
        {
          mark: { type: 'point', filled: true },
          encoding: {
            x,
            y,
            color: { field: 'run', type: 'nominal', title: null, scale: { domain: ['earlier runs', 'this run'], range: ['#4c78a8', '#d62728'] }, legend: { orient: 'top' } },
            size: { condition: { test: "datum.run === 'this run'", value: 120 }, value: 30 },
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: CONFIG,
  };
}
