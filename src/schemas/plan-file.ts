// plan.json: the on-disk form of a Plan, written by `hpcrun plan --out DIR`
// (and printed by --json, without rankToNode) and read by
// `hpcrun launch --plan DIR`. Every field is present; absent values are null.
// Pure.

import { z } from 'zod';
import { check, declaredVersion, show, type Checked, type Rules } from './issues.js';
import { MAPPING_POLICIES, MPI_FLAVOURS } from './job.js';
import type { FileFormat } from './json-schema.js';

export const PLAN_SCHEMA_VERSION = 1;
export const PLAN_KIND = 'hpcrun-plan';

const count = z.int().min(0);
const countOrNull = count.nullable();

export const PlanNodeSchema = z.object({
  host: z.string().min(1),
  ranks: count.describe('Ranks placed on this node.'),
});

export const PlanMetricsSchema = z.object({
  interNodeEdges: countOrNull.describe("Stencil links (r, r+e_i) whose ends are on different nodes; null without a grid."),
  maxOffNodeEdgesPerNode: countOrNull,
  blockInterNodeEdges: countOrNull,
  blockMaxOffNodeEdgesPerNode: countOrNull,
  lowerBoundInterNodeEdges: z.number().nullable(),
  lowerBoundOffNodeEdgesPerNode: z.number().nullable().describe('Lower bound on maxOffNodeEdgesPerNode (the worst node) for any placement on this many nodes of this size.'),
  networkBytesPerStep: z.number().nullable().describe('With --halo-bytes: bytes per step crossing the network (both directions).'),
  maxNetworkBytesPerNodePerStep: z.number().nullable().describe('With --halo-bytes: bytes per step out of the worst node.'),
  mapping: z.string().describe("How compact mapping was achieved: 'boxes 4x4x4', 'rcb', 'block'."),
});

const ShapeSchema = z.object({
  name: z.string(),
  provider: z.enum(['gce', 'onprem', 'custom']),
  vcpus: z.number(),
  physicalCores: z.number(),
  memoryBytes: z.number().nullable(),
  networkGbps: z.number().nullable(),
  tier1Gbps: z.number().nullable(),
  interconnect: z.enum(['ethernet', 'infiniband', 'other']).nullable(),
  compactPlacement: z.boolean(),
  onDemandPerHour: z.number().nullable(),
  spotPerHour: z.number().nullable(),
  family: z.string().nullable(),
});

const CapacitySchema = z.object({
  ranksPerNode: count,
  byCores: count,
  byMemory: countOrNull,
  byCap: count,
  byHosts: countOrNull,
  limitedBy: z.enum(['cores', 'memory', 'cap', 'hosts']),
  osReserveBytes: z.number().nullable(),
  usableMemoryBytes: z.number().nullable(),
});

const GceSchema = z.object({
  policies: z.array(
    z.object({
      name: z.string(),
      collocation: z.literal('COLLOCATED'),
      vmCount: count,
      maxDistance: z.int().min(1).max(3).nullable().describe('Beta API only; null when the group is too large for any maxDistance.'),
      firstNode: count.describe('Node indices [firstNode, firstNode + vmCount).'),
    }),
  ),
  onHostMaintenance: z.literal('TERMINATE'),
  provisioningModel: z.enum(['SPOT', 'STANDARD']),
});

export const PlanFileSchema = z
  .object({
    schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
    kind: z.literal(PLAN_KIND),
    mpi: z.enum(MPI_FLAVOURS),
    policy: z.enum(MAPPING_POLICIES),
    ranks: z.int().min(1),
    grid: z.array(z.int().min(1)).nullable(),
    periodic: z.boolean(),
    nodeCount: z.int().min(1),
    ranksPerNode: z.int().min(1),
    threadsPerRank: z.int().min(1),
    memPerRankBytes: z.number().nullable(),
    haloBytes: z.number().nullable(),
    machine: z.string(),
    shape: ShapeSchema,
    capacity: CapacitySchema,
    nodes: z.array(PlanNodeSchema).min(1),
    files: z.object({ plan: z.string(), hostfile: z.string(), rankfile: z.string(), machinefile: z.string(), slurmHostfile: z.string(), launch: z.string() }),
    launchArgv: z.array(z.string()).min(1).describe('argv of the launch command; "{PLAN_DIR}" stands for the plan directory. The program follows it.'),
    launchEnv: z.record(z.string(), z.string()).describe('Environment launch.sh sets (SLURM_HOSTFILE for slurm, OMP_NUM_THREADS when threads > 1).'),
    metrics: PlanMetricsSchema,
    gce: GceSchema.nullable(),
    costPerHour: z.object({ onDemand: z.number().nullable(), spot: z.number().nullable() }).nullable(),
    warnings: z.array(z.string()),
    rankToNode: z.array(count).optional().describe('Node index (into nodes) of every rank; only in plan.json, not in --json output.'),
  })
  .meta({ title: 'hpcrun plan', description: 'plan.json in a folder written by `hpcrun plan --out DIR`.' });

/** plan.json as written, and as printed by `hpcrun plan --json` (no rankToNode). */
export type PlanFile = z.output<typeof PlanFileSchema>;
export type PlanNode = z.output<typeof PlanNodeSchema>;
export type PlanMetrics = z.output<typeof PlanMetricsSchema>;

/** plan.json as `launch --plan` reads it: rankToNode is required. */
export const StoredPlanSchema = PlanFileSchema.required({ rankToNode: true });
export type StoredPlan = z.output<typeof StoredPlanSchema>;

/** Cross-field rules: rankToNode has one valid node index per rank and agrees with the nodes' counts. */
const storedPlanRules: Rules<StoredPlan> = (plan, report) => {
  if (plan.rankToNode.length !== plan.ranks) {
    return report.error(['rankToNode'], `has ${plan.rankToNode.length} entries for ${plan.ranks} ranks`);
  }
  const counts = new Array<number>(plan.nodes.length).fill(0);
  for (const [rank, node] of plan.rankToNode.entries()) {
    if (node >= plan.nodes.length) return report.error(['rankToNode', rank], `holds ${node}, not a node index (the plan has ${plan.nodes.length} nodes)`);
    counts[node] = (counts[node] ?? 0) + 1;
  }
  plan.nodes.forEach((node, i) => {
    if (counts[i] !== node.ranks) report.error([], `node ${node.host} lists ${node.ranks} ranks but rankToNode places ${counts[i]}`);
  });
};

/**
 * Checks parsed plan.json in stages: that it is a plan at all and of this
 * version, then the schema, then the cross-field rules.
 */
export function checkStoredPlan(data: unknown): Checked<StoredPlan> {
  const kind = typeof data === 'object' && data !== null ? (data as { kind?: unknown }).kind : undefined;
  if (kind !== PLAN_KIND) return { ok: false, errors: [`not an hpcrun plan (kind is not "${PLAN_KIND}")`] };
  const found = declaredVersion(data);
  if (found !== PLAN_SCHEMA_VERSION) return { ok: false, errors: [`found schemaVersion ${show(found)}, this hpcrun reads ${PLAN_SCHEMA_VERSION}`] };
  return check(StoredPlanSchema, data, storedPlanRules);
}

export const planFileFormat: FileFormat = { name: 'plan', schema: PlanFileSchema };
