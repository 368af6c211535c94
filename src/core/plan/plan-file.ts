// plan.json: the on-disk form of a Plan, and a reader for `hpcrun launch --plan DIR`.
// Every field is present; absent values are null. rankToNode is written by
// the renderer after the rest, as one array.

import { inputError } from '../../errors.js';
import { MPI_FLAVOURS, type CapacityReport, type GcePlacement, type MappingPolicy, type MpiFlavour, type Plan, type PlanMetrics, type PlanNode } from './types.js';
import { count } from '../text.js';

export const PLAN_SCHEMA_VERSION = 1;

/** File names inside a plan directory. */
export const PLAN_FILES = {
  plan: 'plan.json',
  hostfile: 'hostfile',
  rankfile: 'rankfile',
  machinefile: 'machinefile',
  slurmHostfile: 'slurm-hostfile',
  launch: 'launch.sh',
} as const;

export interface PlanFile {
  schemaVersion: 1;
  kind: 'hpcrun-plan';
  mpi: MpiFlavour;
  policy: MappingPolicy;
  ranks: number;
  grid: number[] | null;
  periodic: boolean;
  nodeCount: number;
  ranksPerNode: number;
  threadsPerRank: number;
  memPerRankBytes: number | null;
  haloBytes: number | null;
  machine: string;
  shape: Record<string, unknown>;
  capacity: CapacityReport;
  nodes: PlanNode[];
  files: typeof PLAN_FILES;
  /** argv of the launch command; "{PLAN_DIR}" stands for the plan directory. The program follows it. */
  launchArgv: string[];
  /** Environment launch.sh sets (SLURM_HOSTFILE for slurm, OMP_NUM_THREADS when threads > 1). */
  launchEnv: Record<string, string>;
  metrics: PlanMetrics;
  gce: GcePlacement | null;
  costPerHour: { onDemand: number | null; spot: number | null } | null;
  warnings: string[];
  /** Node index (into nodes) of every rank; only in plan.json, not in `--json` output. */
  rankToNode?: number[];
}

export function toPlanFile(plan: Plan, launchArgv: string[], launchEnv: Record<string, string>): PlanFile {
  const nul = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
  return {
    schemaVersion: 1,
    kind: 'hpcrun-plan',
    mpi: plan.job.mpi,
    policy: plan.job.policy,
    ranks: plan.job.ranks,
    grid: nul(plan.job.grid),
    periodic: plan.job.periodic,
    nodeCount: plan.nodeCount,
    ranksPerNode: plan.ranksPerNode,
    threadsPerRank: plan.threadsPerRank,
    memPerRankBytes: nul(plan.job.memPerRankBytes),
    haloBytes: nul(plan.job.haloBytes),
    machine: plan.shape.name,
    shape: Object.fromEntries(Object.entries(plan.shape).map(([k, v]) => [k, nul(v)])),
    capacity: plan.capacity,
    nodes: plan.nodes,
    files: PLAN_FILES,
    launchArgv,
    launchEnv,
    metrics: plan.metrics,
    gce: plan.gce ? { ...plan.gce, policies: plan.gce.policies.map((p) => ({ ...p, maxDistance: nul(p.maxDistance) as number | undefined })) } : null,
    costPerHour: plan.costPerHour ? { onDemand: nul(plan.costPerHour.onDemand), spot: nul(plan.costPerHour.spot) } : null,
    warnings: plan.warnings,
  };
}

/** Validates parsed plan.json: the version, and that nodes and rankToNode agree. */
export function parsePlanFile(data: unknown, label = 'plan.json'): PlanFile & { rankToNode: number[] } {
  const bad = (msg: string) => inputError('HPCRUN_BAD_PLAN', `${label}: ${msg}`, 'make the plan again with `hpcrun plan ... --out DIR`');
  if (typeof data !== 'object' || data === null) throw bad('not a JSON object');
  const p = data as Partial<PlanFile>;
  if (p.kind !== 'hpcrun-plan') throw bad('not an hpcrun plan (kind is not "hpcrun-plan")');
  if (p.schemaVersion !== PLAN_SCHEMA_VERSION) throw bad(`found schemaVersion ${JSON.stringify(p.schemaVersion)}, this hpcrun reads ${PLAN_SCHEMA_VERSION}`);
  if (!Array.isArray(p.nodes) || !Array.isArray(p.rankToNode) || !Array.isArray(p.launchArgv)) throw bad('nodes, rankToNode or launchArgv is missing');
  if (!MPI_FLAVOURS.includes(p.mpi as MpiFlavour)) throw bad(`mpi ${JSON.stringify(p.mpi)} is not one of ${MPI_FLAVOURS.join(', ')}`);
  if (!p.launchArgv.every((word) => typeof word === 'string')) throw bad('launchArgv holds something other than strings');
  p.nodes.forEach((node: unknown, i) => {
    const n = node as Partial<PlanNode> | null;
    if (typeof n !== 'object' || n === null || typeof n.host !== 'string' || !Number.isInteger(n.ranks)) throw bad(`nodes[${i}] needs a host name and a whole number of ranks`);
  });
  if (p.rankToNode.length !== p.ranks) throw bad(`rankToNode has ${count(p.rankToNode.length, 'entry', 'entries')} for ${count(Number(p.ranks), 'rank')}`);
  const counts = new Array<number>(p.nodes.length).fill(0);
  for (const n of p.rankToNode) {
    if (!Number.isInteger(n) || n < 0 || n >= p.nodes.length) throw bad(`rankToNode holds ${JSON.stringify(n)}, not a node index`);
    counts[n] = (counts[n] ?? 0) + 1;
  }
  p.nodes.forEach((node, i) => {
    if (counts[i] !== node.ranks) throw bad(`node ${node.host} lists ${count(node.ranks, 'rank')} but rankToNode places ${counts[i]}`);
  });
  return p as PlanFile & { rankToNode: number[] };
}
