// Human-readable plan summary and --recommend table.

import type { Recommendation } from '../plan/recommend.js';
import type { Plan } from '../plan/types.js';
import { formatBytes } from '../units.js';
import { count } from '../text.js';

const num = (n: number | null | undefined): string => (n === null || n === undefined ? '-' : n.toLocaleString('en-US'));
const money = (n: number | null | undefined): string => (n === null || n === undefined ? '-' : `$${n.toFixed(2)}`);
const pct = (part: number | null, whole: number | null): string => (part !== null && whole !== null && whole > 0 ? ` (${((100 * part) / whole).toFixed(1)}% of block)` : '');

export function renderSummary(plan: Plan): string {
  const j = plan.job;
  const m = plan.metrics;
  const c = plan.capacity;
  const lines: string[] = [];
  const what = `${j.grid ? `grid ${j.grid.join('x')}${j.periodic ? ' (periodic)' : ''}, ` : ''}${count(j.ranks, 'rank')}`;
  lines.push(`plan: ${what} on ${num(plan.nodeCount)} x ${plan.shape.name}, policy ${j.policy} (${m.mapping}), ${j.mpi}`);
  lines.push(
    `  per node: ${count(plan.ranksPerNode, 'rank')} x ${count(plan.threadsPerRank, 'thread')}; capacity ${c.ranksPerNode} (cores ${c.byCores}, ` +
      `memory ${c.byMemory ?? '-'}, cap ${c.byCap}${c.byHosts === undefined ? '' : `, hosts ${c.byHosts}`}; limited by ${c.limitedBy})`,
  );
  if (c.usableMemoryBytes !== undefined && c.osReserveBytes !== undefined) {
    lines.push(`  memory: ${formatBytes(c.usableMemoryBytes)} usable per node after a ${formatBytes(c.osReserveBytes)} OS reserve`);
  }
  if (m.interNodeEdges !== null) {
    // Each figure with its own share of block order, in its own column.
    const table = [
      ['inter-node edges', 'total', 'worst node'],
      ['  this plan', `${num(m.interNodeEdges)}${pct(m.interNodeEdges, m.blockInterNodeEdges)}`, `${num(m.maxOffNodeEdgesPerNode)}${pct(m.maxOffNodeEdgesPerNode, m.blockMaxOffNodeEdgesPerNode)}`],
      ['  block order', num(m.blockInterNodeEdges), num(m.blockMaxOffNodeEdgesPerNode)],
      ['  lower bound', `≥ ${num(m.lowerBoundInterNodeEdges)}`, `≥ ${num(m.lowerBoundOffNodeEdgesPerNode)}`],
    ];
    const width = (i: number): number => Math.max(...table.map((row) => (row[i] ?? '').length));
    for (const row of table) lines.push(`  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(width(i) + 3))).join('')}`);
  }
  if (m.networkBytesPerStep !== null) {
    lines.push(`  halo traffic per step: ${formatBytes(m.networkBytesPerStep)} across the network, ${formatBytes(m.maxNetworkBytesPerNodePerStep ?? 0)} out of the worst node`);
  }
  if (plan.gce) {
    const pol = plan.gce.policies;
    lines.push(
      pol.length === 0
        ? '  gce: no compact placement policy'
        : `  gce: ${pol.length} compact placement polic${pol.length === 1 ? 'y' : 'ies'} (COLLOCATED): ` +
            (pol.length <= 4
              ? pol.map((p) => `${p.name} vmCount=${p.vmCount}${p.maxDistance === undefined ? '' : ` maxDistance=${p.maxDistance}`}`).join(', ')
              : `${pol[0]?.name} ... ${pol[pol.length - 1]?.name}, vmCount ${Math.min(...pol.map((p) => p.vmCount))}-${Math.max(...pol.map((p) => p.vmCount))}` +
                (pol[0]?.maxDistance === undefined ? '' : `, maxDistance=${pol[0].maxDistance}`)),
    );
  }
  if (plan.costPerHour) {
    const spot = plan.costPerHour.spot === undefined ? 'no spot price in the catalog' : `${money(plan.costPerHour.spot)}/h spot`;
    lines.push(`  cost: ${money(plan.costPerHour.onDemand)}/h on-demand, ${spot} (catalog prices; check their dates)`);
  }
  for (const w of plan.warnings) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

/** Seconds as a short figure: µs, ms, s, h. */
function duration(x: number | null): string {
  if (x === null) return '-';
  if (x < 1e-3) return `${(x * 1e6).toFixed(1)}µs`;
  if (x < 1) return `${(x * 1e3).toFixed(2)}ms`;
  if (x < 3600) return `${x.toFixed(1)}s`;
  return `${(x / 3600).toFixed(1)}h`;
}

const runMoney = (n: number | null): string => (n === null ? '-' : n < 1 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);

export interface RecommendationNotes {
  objective?: 'cost' | 'time';
  steps?: number | undefined;
  notes?: readonly string[];
}

export function renderRecommendations(rows: readonly Recommendation[], rankedBy: 'spot' | 'on-demand' = 'on-demand', extra: RecommendationNotes = {}): string {
  const header = ['machine', 'nodes', 'ranks/node', '$/h on-demand', '$/h spot', 'inter-node edges', 'net bytes/node/step', 's/step', 'runtime', '$/run', 'Spot $/run', 'front', 'flags'];
  const body = rows.map((r) => [
    r.machine,
    num(r.nodeCount),
    num(r.ranksPerNode),
    money(r.costPerHour.onDemand),
    money(r.costPerHour.spot),
    num(r.interNodeEdges),
    r.networkBytesPerNodePerStep === null ? '-' : formatBytes(r.networkBytesPerNodePerStep),
    duration(r.predicted.secondsPerStep),
    duration(r.predicted.totalSeconds),
    runMoney(r.costPerRun.onDemand),
    r.costPerRun.spotLow === null ? '-' : `${runMoney(r.costPerRun.spotLow)}–${runMoney(r.costPerRun.spotHigh)}`,
    r.pareto ? '*' : '',
    r.fits ? r.flags.join(',') : `does not fit: ${r.reason ?? ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (i === header.length - 1 ? 0 : (row[i] ?? '').length))));
  const fmt = (row: string[]): string => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const objective = extra.objective ?? 'cost';
  const by =
    objective === 'time'
      ? 'predicted s/step, then cost'
      : extra.steps !== undefined
        ? `cost per run (${rankedBy === 'spot' ? 'Spot, high end (--spot)' : 'on demand'}), then s/step`
        : `$/h ${rankedBy}${rankedBy === 'spot' ? ' (--spot)' : ''}, then s/step`;
  const notes = [
    '',
    `ranked by ${by}; shapes that do not fit come last. front: * on the time–cost Pareto front.`,
    's/step: predicted halo exchange on the worst node (latency, bandwidth and node injection; README: Predict before you pay) plus --compute-us.',
    'published-not-measured: no --model for the shape; catalog bandwidth and a published latency (placement/published-latency.json). extrapolates: --halo-bytes outside the sizes the model was fitted on.',
    'Spot $/run: Spot price × hours/(1 − ℓ), ℓ = 5–15% of the work lost to preemption; - where the catalog has no Spot price.',
    ...(extra.notes ?? []).map((n) => `note: ${n}`),
  ];
  return `${[fmt(header), ...body.map(fmt)].join('\n')}\n${notes.join('\n')}\n`;
}
