// The report's chart specs from labelled result sets: latency and bandwidth
// against size (first-pair medians, one line per set) and a heatmap per
// `--pairs all` set. Pure.

import { latencyMatrix, setMetrics, type LabelledSet } from '../analysis/index.js';
import type { ReferenceFigure } from '../../schemas/index.js';
import { heatmapSpec, sizeChartSpec, type ReferenceMark, type SizePoint, type VegaLiteSpec } from './charts.js';
import { formatBytes } from '../units.js';

export interface ReportCharts {
  latency: VegaLiteSpec;
  bandwidth: VegaLiteSpec;
  heatmaps: { label: string; spec: VegaLiteSpec }[];
}

function points(sets: readonly LabelledSet[], kind: string, unit: string): SizePoint[] {
  return sets.flatMap((s) =>
    setMetrics(s.set)
      .filter((m) => m.pairClass === 'first-pair' && m.kind === kind && m.unit === unit)
      .map((m) => ({ label: s.label, bytes: m.bytes, median: m.median, ciLow: m.ciLow, ciHigh: m.ciHigh })),
  );
}

function marks(refs: readonly ReferenceFigure[], kind: string, unit: string): ReferenceMark[] {
  return refs.filter((r) => r.kind === kind && r.unit === unit).map((r) => ({ label: `${r.label ?? r.system} (${r.date.slice(0, 4)})`, bytes: r.bytes, value: r.value }));
}

export function reportCharts(sets: readonly LabelledSet[], references: readonly ReferenceFigure[] = []): ReportCharts {
  const labels = sets.map((s) => s.label);
  return {
    latency: sizeChartSpec({ title: 'Latency (osu_latency style, half round trip)', yTitle: 'median latency, µs', labels, points: points(sets, 'latency', 'us'), references: marks(references, 'latency', 'us') }),
    bandwidth: sizeChartSpec({ title: 'Bandwidth (osu_bw style, one direction)', yTitle: 'median bandwidth, MB/s', labels, points: points(sets, 'bw', 'MB/s'), references: marks(references, 'bw', 'MB/s') }),
    heatmaps: sets.flatMap((s) => {
      const matrix = latencyMatrix(s.set);
      return matrix ? [{ label: s.label, spec: heatmapSpec({ title: `${s.label}: ${formatBytes(matrix.bytes)} latency between every pair (µs, median)`, matrix }) }] : [];
    }),
  };
}
