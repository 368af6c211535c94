// Trend charts for the nightly report: one SVG per gated metric. This is the
// one place that draws them, so the chart library can change here alone.

import type { TrendSeriesPoint } from '../core/render/nightly-report.js';

export interface RenderedChart {
  title: string;
  svg: string;
}

/** Until the report renderer lands, the nightly page carries the table only. */
export async function trendCharts(points: readonly TrendSeriesPoint[]): Promise<RenderedChart[]> {
  void points;
  return [];
}
