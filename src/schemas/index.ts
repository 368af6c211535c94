// Every file format hpcrun reads, defined once: the zod schema is the
// validation, the TypeScript types (z.infer) and the published JSON Schema.
// A new format (model, cluster, nightly config) is one file here exporting
// its schema, types, check function and a FileFormat, plus its line in FORMATS.

import { catalogFormat } from './catalog.js';
import { clusterFormat } from './cluster.js';
import { jobFormat } from './job.js';
import { modelFormat } from './model.js';
import type { FileFormat } from './json-schema.js';
import { nightlyFormat } from './nightly.js';
import { planFileFormat } from './plan-file.js';
import { publishedLatencyFormat } from './published-latency.js';
import { referenceFormat } from './reference.js';
import { resultSetFormat } from './result-set.js';

export {
  CATALOG_SCHEMA_VERSION, CatalogSchema, CatalogShapeSchema, figureValue, isFigure, validateCatalog,
  type Catalog, type CatalogShape, type Figure, type FigureOr,
} from './catalog.js';
export {
  CLUSTER_KIND, CLUSTER_SCHEMA_VERSION, ClusterNodeSchema, ClusterPolicySchema, ClusterSchema, JournalEventSchema, checkCluster,
  type Cluster, type ClusterNode, type ClusterPolicy, type JournalEvent,
} from './cluster.js';
export {
  GCE_PLACEMENT_MODES, JOB_FIELDS, JobSchema, MAPPING_POLICIES, MPI_FLAVOURS, isJobField, jobFieldMessage, parseGrid,
  type GcePlacementMode, type JobField, type JobFields, type JobInput, type MappingPolicy, type MpiFlavour,
} from './job.js';
export {
  MODEL_KIND, MODEL_SCHEMA_VERSION, ModelFileSchema, checkModelFile,
  type ModelFile, type ModelSource, type NodeInjection, type Regime, type SeriesFit,
} from './model.js';
export {
  PUBLISHED_LATENCY_SCHEMA_VERSION, PublishedLatencySchema, checkPublishedLatency, type PublishedLatency,
} from './published-latency.js';
export {
  PLAN_KIND, PLAN_SCHEMA_VERSION, PlanFileSchema, PlanMetricsSchema, PlanNodeSchema, StoredPlanSchema, checkStoredPlan,
  type PlanFile, type PlanMetrics, type PlanNode, type StoredPlan,
} from './plan-file.js';
export {
  NIGHTLY_KIND, NIGHTLY_KINDS, NIGHTLY_SCHEMA_VERSION, NightlyConfigSchema, checkNightlyConfig,
  type NightlyConfig, type NightlyConfigInput,
} from './nightly.js';
export {
  RESULT_SET_SCHEMA_VERSION, RESULT_UNITS, ROW_STOP_REASONS, ResultMetadataSchema, ResultRowSchema, ResultSetSchema, checkResultSet, resultSetVersion,
  type ResultMetadata, type ResultRow, type ResultSet, type ResultUnit, type RowStopReason, type StopPolicyMeta,
} from './result-set.js';
export {
  REFERENCE_KIND, REFERENCE_SCHEMA_VERSION, ReferenceFigureSchema, ReferenceFileSchema, checkReferenceFile,
  type ReferenceFigure, type ReferenceFile,
} from './reference.js';
export {
  check, declaredVersion, formatPath, hpcrunErrorMap, joinErrors, parseWith, problemText, problems, show,
  type Checked, type Problem, type RuleReport, type Rules,
} from './issues.js';
export { jsonSchemaOf, jsonSchemaText, type FileFormat } from './json-schema.js';

/** Every format hpcrun reads; those with `published` have a committed JSON Schema file. */
export const FORMATS: readonly FileFormat[] = [catalogFormat, jobFormat, planFileFormat, resultSetFormat, clusterFormat, modelFormat, publishedLatencyFormat, referenceFormat, nightlyFormat];
