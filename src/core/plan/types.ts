// The planner's data types. A Plan is plain data: it can be serialised to
// plan.json, read back by `hpcrun launch --plan DIR`, and rendered for any MPI.

// What the job and plan.json hold is defined once, in src/schemas/.

import type { MappingPolicy, MpiFlavour, GcePlacementMode, PlanMetrics, PlanNode } from '../../schemas/index.js';

export type { GcePlacementMode, MappingPolicy, MpiFlavour, PlanMetrics, PlanNode } from '../../schemas/index.js';
export { MAPPING_POLICIES, MPI_FLAVOURS } from '../../schemas/index.js';

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
