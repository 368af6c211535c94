// The planner's data types. A Plan is plain data: it can be serialised to
// plan.json, read back by `hpcrun launch --plan DIR`, and rendered for any MPI.

import { LAUNCHER_NAMES, type LauncherName } from '../launchers/types.js';

export type MappingPolicy = 'compact' | 'block' | 'cyclic' | 'spread';
/** The launcher a plan is made for (`slurm` is srun); see src/core/launchers/. */
export type MpiFlavour = LauncherName;
export type GcePlacementMode = 'auto' | 'compact' | 'none';

export const MAPPING_POLICIES: readonly MappingPolicy[] = ['compact', 'block', 'cyclic', 'spread'];
export const MPI_FLAVOURS: readonly MpiFlavour[] = LAUNCHER_NAMES;

/** A node shape: a catalog machine type, an on-prem shape, or one built from --cores-per-node. */
export interface NodeShape {
  name: string;
  /** Where the shape came from: 'gce' catalog entries get placement policies and prices. */
  provider: 'gce' | 'onprem' | 'custom';
  vcpus: number;
  /** Physical cores: ranks x threads never exceed this (SMT is not used). */
  physicalCores: number;
  /** Bytes; undefined when unknown (memory is then not checked). */
  memoryBytes: number | undefined;
  /** Published default egress bandwidth, Gbit/s. */
  networkGbps: number | undefined;
  tier1Gbps: number | undefined;
  interconnect: 'ethernet' | 'infiniband' | 'other' | undefined;
  compactPlacement: boolean;
  /** $/hour in the catalog's region. */
  onDemandPerHour: number | undefined;
  spotPerHour: number | undefined;
  family: string | undefined;
}

/** The validated job: what to place. */
export interface JobSpec {
  /** Process grid extents, row-major with the last dimension fastest; undefined for a plain rank count. */
  grid: number[] | undefined;
  periodic: boolean;
  ranks: number;
  threadsPerRank: number;
  memPerRankBytes: number | undefined;
  maxRanksPerNode: number | undefined;
  nodes: number | undefined;
  policy: MappingPolicy;
  mpi: MpiFlavour;
  haloBytes: number | undefined;
  spot: boolean;
  gcePlacement: GcePlacementMode;
  /** GCE maxDistance to request (1..3); undefined picks the tightest that fits. */
  maxDistance: number | undefined;
}

export interface HostEntry {
  name: string;
  slots: number | undefined;
}

export interface CapacityReport {
  ranksPerNode: number;
  byCores: number;
  byMemory: number | undefined;
  byCap: number;
  byHosts: number | undefined;
  limitedBy: 'cores' | 'memory' | 'cap' | 'hosts';
  osReserveBytes: number | undefined;
  usableMemoryBytes: number | undefined;
}

export interface PlanMetrics {
  /** Stencil links (r, r+e_i) whose ends are on different nodes; null without a grid. */
  interNodeEdges: number | null;
  maxOffNodeEdgesPerNode: number | null;
  blockInterNodeEdges: number | null;
  blockMaxOffNodeEdgesPerNode: number | null;
  lowerBoundInterNodeEdges: number | null;
  /** Lower bound on maxOffNodeEdgesPerNode (the worst node) for any placement on this many nodes of this size. */
  lowerBoundOffNodeEdgesPerNode: number | null;
  /** With --halo-bytes: bytes per step crossing the network (both directions), and out of the worst node. */
  networkBytesPerStep: number | null;
  maxNetworkBytesPerNodePerStep: number | null;
  /** How compact mapping was achieved: 'boxes 4x4x4', 'rcb', 'block'. */
  mapping: string;
}

export interface PlacementPolicy {
  name: string;
  collocation: 'COLLOCATED';
  vmCount: number;
  /** Beta API only; omitted when the group is too large for any maxDistance. */
  maxDistance: number | undefined;
  /** Node indices [first, first+vmCount). */
  firstNode: number;
}

export interface GcePlacement {
  policies: PlacementPolicy[];
  onHostMaintenance: 'TERMINATE';
  provisioningModel: 'SPOT' | 'STANDARD';
}

export interface PlanNode {
  host: string;
  /** Ranks placed on this node. */
  ranks: number;
}

export interface Plan {
  schemaVersion: 1;
  job: JobSpec;
  shape: NodeShape;
  capacity: CapacityReport;
  nodeCount: number;
  /** Maximum ranks on any node. */
  ranksPerNode: number;
  threadsPerRank: number;
  nodes: PlanNode[];
  /** rankToNode[r] is the index in `nodes` of rank r's node. */
  rankToNode: Int32Array;
  /** slotOf[r] is rank r's slot (0-based) on its node, in rank order. */
  rankSlot: Int32Array;
  metrics: PlanMetrics;
  gce: GcePlacement | undefined;
  costPerHour: { onDemand: number | undefined; spot: number | undefined } | undefined;
  warnings: string[];
}
