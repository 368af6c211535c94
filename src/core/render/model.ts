// Text renderings of a fitted model and of a prediction. Pure.

import type { ModelFile, SeriesFit } from '../../schemas/index.js';
import type { CostPerRun } from '../model/cost.js';
import type { Prediction } from '../model/predict.js';
import { formatBytes } from '../units.js';

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const r2 = (x: number | null): string => (x === null ? '-' : x.toFixed(4));

function series(fit: SeriesFit, what: string): string[] {
  const lines = [`${what} (${fit.kinds.join(', ')} rows): ${fit.regimes.length} regime${fit.regimes.length === 1 ? '' : 's'}; R² ${r2(fit.r2)}, largest residual ${pct(fit.maxRelResidual)}`, `  ${fit.selection}`];
  for (const r of fit.regimes) {
    const bw = r.bandwidthMBps === null ? 'flat' : `β ${r.bandwidthMBps.toFixed(1)} MB/s`;
    lines.push(
      `  from ${formatBytes(r.startsAtBytes)} (measured ${formatBytes(r.fromBytes)}–${formatBytes(r.toBytes)}, ${r.sizes} sizes): α ${r.alphaUs.toFixed(2)} µs, ${bw}; R² ${r2(r.r2)}, largest residual ${pct(r.maxRelResidual)}`,
    );
  }
  if (fit.comparison) lines.push(`  ${fit.comparison.method}: R² ${r2(fit.comparison.r2)}, largest residual ${pct(fit.comparison.maxRelResidual)}`);
  return lines;
}

export function renderModel(model: ModelFile, path: string): string {
  const lines = [`wrote ${path}`, ...series(model.latency, 'latency(n) = α + n/β')];
  if (model.streaming) lines.push(...series(model.streaming, 'stream gap(n) = γ + n/β'));
  if (model.node) {
    const rate = model.node.nodeRateMBps === null ? 'not saturated' : `${model.node.nodeRateMBps.toFixed(1)} MB/s`;
    lines.push(`node injection (${model.node.pairsPerNode} pairs per node): ${rate}; ${model.node.note}`);
  }
  lines.push(`fitted on ${formatBytes(model.fittedRange.minBytes)}–${formatBytes(model.fittedRange.maxBytes)}`);
  for (const w of model.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

const money = (x: number | null): string => (x === null ? '-' : `$${x < 10 ? x.toFixed(4) : x.toFixed(2)}`);

export function seconds(x: number | null): string {
  if (x === null) return '-';
  if (x < 1e-3) return `${(x * 1e6).toFixed(1)} µs`;
  if (x < 1) return `${(x * 1e3).toFixed(2)} ms`;
  return `${x.toFixed(1)} s`;
}

export function renderPrediction(p: Prediction, cost: CostPerRun, haloBytes: number): string {
  const w = p.worstNode;
  const lines = [
    `halo ${formatBytes(haloBytes)}, model ${p.model}${p.origin === 'published' ? ' (published, not measured)' : ''}`,
    w
      ? `worst node ${w.node}: ${w.messages} off-node messages per step (${formatBytes(w.bytes)}) over ${w.streams} streams, busiest rank ${w.maxRankMessages}`
      : 'no nodes',
    w ? `  rank term ${seconds(w.rankTermSeconds)}, node term ${seconds(w.nodeTermSeconds)}` : '',
    `communication per step  ${seconds(p.commSecondsPerStep)}`,
    `compute per step        ${seconds(p.computeSecondsPerStep)}`,
    `time per step           ${seconds(p.secondsPerStep)}`,
    `total                   ${seconds(p.totalSeconds)}`,
    cost.onDemand === null && cost.spotLow === null
      ? 'cost per run            -'
      : `cost per run            on demand ${money(cost.onDemand)}, Spot ${cost.spotLow === null ? '-' : `${money(cost.spotLow)}–${money(cost.spotHigh)}`}`,
  ].filter((l) => l !== '');
  for (const n of cost.notes) lines.push(`note: ${n}`);
  return `${lines.join('\n')}\n`;
}
