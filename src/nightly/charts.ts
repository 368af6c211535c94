// Trend charts for the nightly report: every gated metric's median over the
// recent nights, tonight highlighted, drawn by the report's renderer
// (Vega-Lite, rendered headless to SVG; loaded only when a night runs).

import { trendChartSpec, type TrendPoint } from '../core/render/charts.js';
import type { TrendSeriesPoint } from '../core/render/nightly-report.js';
import { renderSvg } from '../report/svg.js';

export interface RenderedChart {
  title: string;
  svg: string;
}

const UNIT: Record<string, string> = { us: 'µs', 'MB/s': 'MB/s', 'msg/s': 'msg/s' };

/** One faceted chart: a panel per metric, with independent y scales. */
export async function trendCharts(points: readonly TrendSeriesPoint[]): Promise<RenderedChart[]> {
  if (points.length === 0) return [];
  const trend: TrendPoint[] = points.map((p) => ({ metric: `${p.metric} (${UNIT[p.unit] ?? p.unit})`, date: p.date, median: p.median, current: p.current }));
  const svg = await renderSvg(trendChartSpec(trend));
  return [{ title: 'Median of each gated metric per night (tonight in red)', svg }];
}
