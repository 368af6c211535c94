// The planner's public API. Pure: no I/O, no clock.
export type {
  CapacityReport, GcePlacement, GcePlacementMode, HostEntry, JobSpec, MappingPolicy, MpiFlavour, NodeShape, Plan, PlanMetrics,
  PlacementPolicy, PlanNode,
} from './types.js';
export { MAPPING_POLICIES, MPI_FLAVOURS } from './types.js';
export { planJob, placeholderHosts, ETHERNET_CORE_WARNING } from './planner.js';
export { nodeCapacity, osReserveBytes, DEFAULT_CORE_CAP } from './capacity.js';
export { countEdges, forEachEdge, lowerBoundInterNodeEdges, lowerBoundWorstNode, strides, totalEdges } from './grid.js';
export { blockMapping, cyclicMapping, spreadMapping, rankSlots } from './mapping.js';
export { placementPolicies, supportsCompactPlacement, NO_COMPACT_PLACEMENT_FAMILIES, MAX_VMS_BY_DISTANCE } from './gce.js';
export { validateJob, fieldErrors, parseGrid, fieldLabel, JOB_FIELDS, type PlanRequest, type SpecResult, type Source } from './spec.js';
export { parseHostfile } from './hosts.js';
export { rankedBy, recommend, type Recommendation } from './recommend.js';
export { publishedBandwidthModel, measuredModel, type NetworkModel, type NetworkEstimate, type NetworkEstimateInput } from '../model/network-model.js';
export { PLAN_FILES, PLAN_SCHEMA_VERSION, parsePlanFile, toPlanFile, type PlanFile, type StoredPlan } from './plan-file.js';
