// plan.json: the on-disk form of a Plan, and a reader for `hpcrun launch --plan DIR`.
// The format (schema, types, checks) is src/schemas/plan-file.ts. Every field
// is present; absent values are null. rankToNode is written by the renderer
// after the rest, as one array.

import { inputError } from '../../errors.js';
import { checkStoredPlan, joinErrors, type PlanFile, type StoredPlan } from '../../schemas/index.js';
import type { Plan } from './types.js';

export { PLAN_SCHEMA_VERSION, type PlanFile, type StoredPlan } from '../../schemas/index.js';

/** File names inside a plan directory. */
export const PLAN_FILES = {
  plan: 'plan.json',
  hostfile: 'hostfile',
  rankfile: 'rankfile',
  machinefile: 'machinefile',
  slurmHostfile: 'slurm-hostfile',
  launch: 'launch.sh',
} as const satisfies PlanFile['files'];

type Nulled<T> = { [K in keyof T]-?: Exclude<T[K], undefined> | (undefined extends T[K] ? null : never) };

/** The object with every undefined field as null: plan.json spells "unknown" as null. */
function nulled<T extends object>(value: T): Nulled<T> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === undefined ? null : v])) as Nulled<T>;
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
    shape: nulled(plan.shape),
    capacity: nulled(plan.capacity),
    nodes: plan.nodes,
    files: PLAN_FILES,
    launchArgv,
    launchEnv,
    metrics: plan.metrics,
    gce: plan.gce ? { ...plan.gce, policies: plan.gce.policies.map((p) => nulled(p)) } : null,
    costPerHour: plan.costPerHour ? nulled(plan.costPerHour) : null,
    warnings: plan.warnings,
  };
}

/** Validates parsed plan.json: the kind and version, the schema, then that nodes and rankToNode agree. */
export function parsePlanFile(data: unknown, label = 'plan.json'): StoredPlan {
  const checked = checkStoredPlan(data);
  if (!checked.ok) throw inputError('HPCRUN_BAD_PLAN', `${label}: ${joinErrors(checked.errors)}`, 'make the plan again with `hpcrun plan ... --out DIR`');
  return checked.value;
}
