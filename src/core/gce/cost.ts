// What a cluster costs, from the catalog's prices, before anything is
// created: nodes × price per hour, and the cost over the TTL. Pure.

import type { NodeShape } from '../plan/types.js';

export interface CostEstimate {
  nodes: number;
  /** USD per node-hour for the compute nodes (Spot or on-demand); undefined when the catalog has no figure. */
  nodePrice: number | undefined;
  /** The head node is an on-demand VM of the same machine type. */
  headPrice: number | undefined;
  perHour: number | undefined;
  ttlHours: number | undefined;
  overTtl: number | undefined;
  lines: string[];
}

const usd = (value: number): string => `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

function hours(seconds: number): string {
  const h = seconds / 3600;
  return Number.isInteger(h) ? `${h} h` : h >= 1 ? `${h.toFixed(1)} h` : `${Math.round(seconds / 60)} min`;
}

export interface CostInput {
  shape: NodeShape;
  nodes: number;
  spot: boolean;
  head: boolean;
  ttlSeconds: number | undefined;
  /** The catalog's price region, and the cluster's. */
  catalogRegion: string | undefined;
  region: string;
}

export function estimateCost(input: CostInput): CostEstimate {
  const { shape, nodes, spot, head, ttlSeconds } = input;
  const nodePrice = spot ? shape.spotPerHour : shape.onDemandPerHour;
  const headPrice = head ? shape.onDemandPerHour : 0;
  const perHour = nodePrice === undefined || headPrice === undefined ? undefined : nodes * nodePrice + headPrice;
  const ttlHours = ttlSeconds === undefined ? undefined : ttlSeconds / 3600;
  const overTtl = perHour === undefined || ttlHours === undefined ? undefined : perHour * ttlHours;
  const model = spot ? 'Spot' : 'on-demand';
  const lines: string[] = [];
  if (nodePrice === undefined) {
    lines.push(`cost: the catalog has no ${model} price for ${shape.name}; ${nodes} node(s) are billed at Compute Engine's current ${model} rate`);
  } else {
    const headPart = head ? (headPrice === undefined ? ' + 1 head node (no on-demand price in the catalog)' : ` + 1 head node × ${usd(headPrice)}/h on-demand`) : '';
    const total = perHour === undefined ? '' : ` = ${usd(perHour)}/h`;
    lines.push(`cost: ${nodes} × ${shape.name} × ${usd(nodePrice)}/h ${model}${headPart}${total}`);
  }
  if (ttlSeconds === undefined) {
    lines.push(`ttl: none: the VMs run, and are billed, until \`hpcrun cluster down\`${perHour === undefined ? '' : ` (${usd(perHour * 24)} a day)`}; --ttl 4h makes Compute Engine delete them`);
  } else {
    lines.push(`ttl: ${hours(ttlSeconds)}: Compute Engine deletes every VM then, even if hpcrun is gone${overTtl === undefined ? '' : `; at most ${usd(overTtl)} over the TTL`}`);
  }
  const where = input.catalogRegion && input.catalogRegion !== input.region ? `; prices are for ${input.catalogRegion}, ${input.region} differs` : '';
  lines.push(`prices: from placement/gce-catalog.json (see each figure's source and date${where}); disks and network egress are extra`);
  return { nodes, nodePrice, headPrice: head ? headPrice : undefined, perHour, ttlHours, overTtl, lines };
}
