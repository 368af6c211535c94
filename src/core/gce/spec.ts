// What `hpcrun cluster up` will create, decided from its flags (or a plan
// folder) and the catalog before anything is contacted. Pure: the clock
// arrives as an argument.
//
// Placement follows the planner: one COLLOCATED policy per group of
// consecutive nodes (22 / 150 / 1,500 by maxDistance). maxDistance is sent,
// through the beta API, only when --max-distance asks for it.

import { HpcrunError, usageError } from '../../errors.js';
import { findShape } from '../catalog/catalog.js';
import { MAX_VMS_BY_DISTANCE, compactRefusal, placementPolicies, supportsCompactPlacement } from '../plan/gce.js';
import type { NodeShape } from '../plan/types.js';
import type { Catalog, PlanFile } from '../../schemas/index.js';
import { DEFAULT_IMAGE, defaultClusterName, headName, imagePath, nodeNames, regionOf, requireClusterName, requireProject, requireSshUser } from './names.js';

export const TIER1_MIN_VCPUS = 30;
export const MIN_TTL_SECONDS = 30;
export const MAX_TTL_SECONDS = 120 * 24 * 3600;
export const DEFAULT_DISK_GB = 50;

export interface ClusterRequest {
  project: string;
  zone: string;
  name: string | undefined;
  /** --machine and --nodes, or a plan (exactly one of the two). */
  machine: string | undefined;
  nodes: number | undefined;
  plan: Pick<PlanFile, 'machine' | 'nodeCount' | 'gce'> | undefined;
  spot: boolean;
  tier1: boolean;
  head: boolean;
  image: string | undefined;
  ttlMs: number | undefined;
  maxDistance: number | undefined;
  network: string | undefined;
  subnetwork: string | undefined;
  diskGb: number | undefined;
  ssh: { user: string; port: number; identity: string | null; publicKeys: string[] };
  now: Date;
}

export interface PolicyGroup {
  name: string;
  vmCount: number;
  /** Only when asked (--max-distance); then the policy is created through the beta API. */
  maxDistance: number | undefined;
  nodes: string[];
}

export interface ClusterSpec {
  name: string;
  project: string;
  zone: string;
  region: string;
  shape: NodeShape;
  nodes: string[];
  /** Empty for a single node. Every node is in exactly one group otherwise. */
  groups: PolicyGroup[];
  head: string | undefined;
  spot: boolean;
  tier1: boolean;
  ttlSeconds: number | undefined;
  image: string;
  network: string;
  subnetwork: string | undefined;
  diskGb: number;
  ssh: ClusterRequest['ssh'];
  createdAt: string;
}

function shapeFor(catalog: Catalog, machine: string): NodeShape {
  const shape = findShape(catalog, machine);
  if (shape.provider !== 'gce') {
    throw usageError('HPCRUN_GCE_NOT_GCE', `${machine} is not a Compute Engine machine type in the catalog (provider ${shape.provider})`, 'give --machine a gce shape, such as c2-standard-60');
  }
  return shape;
}

/** Group sizes: the plan's policies, or the planner's split of `nodes`. */
function groupSizes(request: ClusterRequest, nodes: number): { vmCount: number; firstNode: number }[] {
  if (nodes < 2) return [];
  // A plan that chose no policies (--gce-placement none) is followed too.
  const planned = request.plan?.gce?.policies;
  if (planned) {
    const limit = request.maxDistance === undefined ? undefined : MAX_VMS_BY_DISTANCE[request.maxDistance];
    const large = planned.find((policy) => limit !== undefined && policy.vmCount > limit);
    if (large) {
      throw usageError('HPCRUN_GCE_PLAN_DISTANCE', `the plan puts ${large.vmCount} VMs in one policy, more than maxDistance ${request.maxDistance} allows (${limit})`, `plan again with --max-distance ${request.maxDistance}, or drop --max-distance`);
    }
    return planned;
  }
  return placementPolicies(nodes, request.maxDistance);
}

function checkTier1(shape: NodeShape): void {
  if (shape.vcpus < TIER1_MIN_VCPUS) {
    throw new HpcrunError('infeasible', 'HPCRUN_GCE_TIER1_TOO_SMALL', `Tier_1 networking needs at least ${TIER1_MIN_VCPUS} vCPUs; ${shape.name} has ${shape.vcpus}`, {
      hint: `drop --tier1, or choose a machine type with ${TIER1_MIN_VCPUS} or more vCPUs`,
    });
  }
  if (shape.tier1Gbps === undefined) {
    throw new HpcrunError('infeasible', 'HPCRUN_GCE_TIER1_UNAVAILABLE', `the catalog lists no Tier_1 bandwidth for ${shape.name}`, { hint: 'drop --tier1, or choose a c2, c2d, c3, h3, n2 or n2d machine type' });
  }
}

function ttlSeconds(ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined) return undefined;
  const seconds = Math.round(ttlMs / 1000);
  if (seconds < MIN_TTL_SECONDS || seconds > MAX_TTL_SECONDS) {
    throw usageError('HPCRUN_GCE_BAD_TTL', `--ttl must be between ${MIN_TTL_SECONDS} s and 120 days (Compute Engine's limits for maxRunDuration)`, 'for example --ttl 4h');
  }
  return seconds;
}

const resource = (value: string, flag: string): string => {
  if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) throw usageError('HPCRUN_GCE_BAD_NAME', `${flag} ${JSON.stringify(value)} is not a Compute Engine resource name`, `give the name of an existing ${flag.slice(2)}`);
  return value;
};

export function clusterSpec(request: ClusterRequest, catalog: Catalog): ClusterSpec {
  const project = requireProject(request.project);
  const region = regionOf(request.zone);
  const name = requireClusterName(request.name ?? defaultClusterName(request.now));
  requireSshUser(request.ssh.user);
  if (request.plan && (request.machine !== undefined || request.nodes !== undefined)) {
    throw usageError('HPCRUN_GCE_PLAN_AND_SHAPE', '--plan fixes the machine type and the node count, so --machine and --nodes cannot be given with it', 'drop --machine/--nodes, or drop --plan');
  }
  const machine = request.plan?.machine ?? request.machine;
  const count = request.plan?.nodeCount ?? request.nodes;
  if (machine === undefined || count === undefined) {
    throw usageError('HPCRUN_GCE_NO_SHAPE', 'cluster up needs --machine TYPE and --nodes N, or --plan DIR', 'for example --machine c2-standard-60 --nodes 4');
  }
  if (!Number.isSafeInteger(count) || count < 1) throw usageError('HPCRUN_BAD_NUMBER', `--nodes ${count} is not a positive whole number`, 'for example --nodes 4');
  const shape = shapeFor(catalog, machine);
  if (count >= 2 && !supportsCompactPlacement(shape)) {
    throw new HpcrunError('infeasible', 'HPCRUN_GCE_NO_COMPACT_PLACEMENT', compactRefusal(shape), { hint: 'choose a c2, c2d, c3, h3, n2 or n2d machine type: tightly coupled jobs need compact placement' });
  }
  if (request.tier1) checkTier1(shape);
  const nodes = nodeNames(name, count);
  const groups = groupSizes(request, count).map((group, index, all) => ({
    name: all.length === 1 ? `${name}-compact` : `${name}-compact-${index + 1}`,
    vmCount: group.vmCount,
    maxDistance: request.maxDistance,
    nodes: nodes.slice(group.firstNode, group.firstNode + group.vmCount),
  }));
  const covered = groups.reduce((sum, group) => sum + group.nodes.length, 0);
  if (groups.length > 0 && covered !== count) throw usageError('HPCRUN_PLAN_INCONSISTENT', `the plan's policies hold ${covered} VMs but it has ${count} nodes`, 'plan again with `hpcrun plan --out DIR`');
  return {
    name,
    project,
    zone: request.zone,
    region,
    shape,
    nodes,
    groups,
    head: request.head ? headName(name) : undefined,
    spot: request.spot || request.plan?.gce?.provisioningModel === 'SPOT',
    tier1: request.tier1,
    ttlSeconds: ttlSeconds(request.ttlMs),
    image: imagePath(request.image ?? DEFAULT_IMAGE, project),
    network: resource(request.network ?? 'default', '--network'),
    subnetwork: request.subnetwork === undefined ? undefined : resource(request.subnetwork, '--subnet'),
    diskGb: request.diskGb ?? DEFAULT_DISK_GB,
    ssh: request.ssh,
    createdAt: request.now.toISOString(),
  };
}
