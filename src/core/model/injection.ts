// Node injection from mbw rows measured with several pairs per node. Pure.
//
// Max-rate form: k pairs of one node moving k·n bytes at once reach an
// aggregate rate of min(k·ρ(n), R), where ρ(n) is one pair's streaming rate
// (from the bw fit) and R the node's injection rate. An mbw row whose
// aggregate A is below 80% of k·ρ(n), at a size where bytes rather than
// messages bound a pair (n/β ≥ γ in the stream fit), is limited by the node:
// such rows give R as the harmonic mean of their A (a mean of rates;
// DESIGN §4). When no row
// is limited, R is at least the largest A seen and is left unknown (null):
// predict then uses Foster's rule with the pair rate (S senders on one wire
// get 1/S of it each, so the node rate is one pair's rate).
// BenchPress fits T − α = ω·(bytes·ppn) in its rendezvous range instead; in
// the max-rate form its ω is 1/R.

import type { NodeInjection, ResultRow, ResultSet } from '../../schemas/index.js';
import { fitSegmented, regimeFor, type Point } from './segmented.js';

const SATURATED = 0.8;

/** Harmonic mean of rates (no simple-statistics here: plan --recommend loads this module and must stay light). */
const harmonicRate = (rates: readonly number[]): number => rates.length / rates.reduce((s, r) => s + 1 / r, 0);

function pairsOf(row: ResultRow, set: ResultSet): number | null {
  const extra = row.extra?.pairs;
  if (typeof extra === 'number') return extra;
  if (typeof extra === 'string' && /^\d+$/.test(extra)) return Number(extra);
  return set.metadata.ranksPerNode;
}

export function fitNodeInjection(sets: readonly ResultSet[], stream: readonly Point[]): { fit: NodeInjection | null; warning?: string } {
  const rows = sets.flatMap((set) =>
    set.rows
      .filter((row) => row.kind === 'mbw' && row.unit === 'MB/s' && row.stop_reason !== 'failed' && (row.median ?? row.mean) !== null && row.bytes > 0)
      .map((row) => ({ bytes: row.bytes, rate: (row.median ?? row.mean) as number, pairs: pairsOf(row, set) })),
  );
  const multi = rows.filter((r): r is typeof r & { pairs: number } => r.pairs !== null && r.pairs >= 2);
  if (multi.length === 0) {
    return rows.length > 0 ? { fit: null, warning: 'mbw rows with one pair per node say nothing about node injection; measure with `hpcrun bench --kind mbw --ppn 2` or more' } : { fit: null };
  }
  const pairs = Math.max(...multi.map((r) => r.pairs));
  const used = multi.filter((r) => r.pairs === pairs);
  const streamFit = fitSegmented(stream);
  const pairRate = (bytes: number): number | undefined => {
    if (!streamFit) return undefined;
    const r = regimeFor(streamFit.segments, bytes);
    return bytes / (r.alphaUs + bytes * r.usPerByte);
  };
  // Only sizes where bytes, not messages, limit a pair: n/β ≥ γ in n's stream regime.
  // Below that the aggregate is message-rate bound and says nothing about bytes per second.
  const byteBound = (bytes: number): boolean => {
    if (!streamFit) return false;
    const r = regimeFor(streamFit.segments, bytes);
    return bytes * r.usPerByte >= Math.max(0, r.alphaUs);
  };
  const saturated = used.filter((r) => {
    const rho = pairRate(r.bytes);
    return rho !== undefined && byteBound(r.bytes) && r.rate < SATURATED * pairs * rho;
  });
  const maxAggregate = Math.max(...used.map((r) => r.rate));
  if (saturated.length === 0) {
    return {
      fit: {
        pairsPerNode: pairs,
        nodeRateMBps: null,
        saturatedSizes: [],
        maxAggregateMBps: maxAggregate,
        note: streamFit
          ? `${pairs} pairs never fell below ${SATURATED * 100}% of ${pairs}× one pair's rate: the node rate is at least ${maxAggregate.toFixed(0)} MB/s; predict uses the pair rate per sender`
          : 'no bw rows to compare mbw with: the node rate is unknown',
      },
    };
  }
  return {
    fit: {
      pairsPerNode: pairs,
      nodeRateMBps: harmonicRate(saturated.map((r) => r.rate)),
      saturatedSizes: [...new Set(saturated.map((r) => r.bytes))].sort((a, b) => a - b),
      maxAggregateMBps: maxAggregate,
      note: `harmonic mean of the mbw aggregate at the byte-bound sizes where ${pairs} pairs reach less than ${SATURATED * 100}% of ${pairs}× one pair's rate`,
    },
  };
}
