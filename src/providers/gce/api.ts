// The Compute Engine calls hpcrun makes, through @google-cloud/compute in
// HTTP/1.1 REST mode (fallback), each retried by withRetry (gax's own retries
// are off, so there is one bounded policy). The clients are loaded when a
// cluster command runs, from their own modules: importing the package's
// index loads every API version and costs seconds.

import type { InstancesClient } from '@google-cloud/compute/build/src/v1/instances_client.js';
import type { RegionOperationsClient } from '@google-cloud/compute/build/src/v1/region_operations_client.js';
import type { ResourcePoliciesClient } from '@google-cloud/compute/build/src/v1/resource_policies_client.js';
import type { ResourcePoliciesClient as BetaResourcePoliciesClient } from '@google-cloud/compute/build/src/v1beta/resource_policies_client.js';
import type { ZoneOperationsClient } from '@google-cloud/compute/build/src/v1/zone_operations_client.js';
import type { GuestAttribute, InstanceInfo, InstancesCall, PolicyCall } from '../../core/gce/index.js';
import { CLUSTER_LABEL } from '../../core/gce/index.js';
import { type Credentials, endpointFrom } from './auth.js';
import { HpcrunError } from '../../errors.js';
import { type RetryContext, withRetry } from './retry.js';

export interface OperationRef {
  scope: 'zone' | 'region';
  project: string;
  /** The zone or region. */
  location: string;
  name: string;
}

export interface OperationError {
  code: string;
  message: string;
}

export interface Operation {
  name: string;
  status: string;
  errors: OperationError[];
  httpErrorStatusCode: number | undefined;
}

export interface ComputeApi {
  insertPolicy(call: PolicyCall): Promise<OperationRef>;
  bulkInsert(call: InstancesCall): Promise<OperationRef>;
  /** undefined when the VM is already gone. */
  deleteInstance(project: string, zone: string, name: string): Promise<OperationRef | undefined>;
  deletePolicy(project: string, region: string, name: string): Promise<OperationRef | undefined>;
  policyExists(project: string, region: string, name: string): Promise<boolean>;
  /** Names of the region's policies that match a regular expression (Compute Engine's `name eq` filter). */
  listPolicies(project: string, region: string, pattern: string): Promise<string[]>;
  listInstances(project: string, zone: string, cluster: string): Promise<InstanceInfo[]>;
  getInstance(project: string, zone: string, name: string): Promise<InstanceInfo | undefined>;
  /** The `hostkeys/` guest attributes; undefined while the guest has not published them. */
  hostKeyAttributes(project: string, zone: string, name: string): Promise<GuestAttribute[] | undefined>;
  /** One operations.wait call: returns when the operation is DONE or after about 2 minutes. */
  waitOnce(ref: OperationRef): Promise<Operation>;
  close(): Promise<void>;
}

interface ProtoOperation {
  name?: string | null;
  status?: string | number | null;
  httpErrorStatusCode?: number | null;
  error?: { errors?: { code?: string | null; message?: string | null }[] | null } | null;
}

interface ProtoInstance {
  name?: string | null;
  status?: string | number | null;
  labels?: Record<string, string> | null;
  networkInterfaces?: { networkIP?: string | null; accessConfigs?: { natIP?: string | null }[] | null }[] | null;
}

function toOperation(op: ProtoOperation | null | undefined): Operation {
  return {
    name: op?.name ?? '',
    status: String(op?.status ?? ''),
    errors: (op?.error?.errors ?? []).map((e) => ({ code: e.code ?? 'UNKNOWN', message: e.message ?? '' })),
    httpErrorStatusCode: op?.httpErrorStatusCode ?? undefined,
  };
}

export function toInstance(instance: ProtoInstance): InstanceInfo {
  const nic = instance.networkInterfaces?.[0];
  return {
    name: instance.name ?? '',
    status: String(instance.status ?? ''),
    ip: nic?.networkIP || undefined,
    externalIp: nic?.accessConfigs?.[0]?.natIP || undefined,
    labels: { ...(instance.labels ?? {}) },
  };
}

/** gax's own retries are off: withRetry is the one policy. */
const noRetry = () => ({ retry: null });

export async function openComputeApi(auth: Credentials, env: Readonly<Record<string, string | undefined>>, context: RetryContext): Promise<ComputeApi> {
  const [instances, zoneOps, regionOps, policies, betaPolicies] = await Promise.all([
    import('@google-cloud/compute/build/src/v1/instances_client.js'),
    import('@google-cloud/compute/build/src/v1/zone_operations_client.js'),
    import('@google-cloud/compute/build/src/v1/region_operations_client.js'),
    import('@google-cloud/compute/build/src/v1/resource_policies_client.js'),
    import('@google-cloud/compute/build/src/v1beta/resource_policies_client.js'),
  ]);
  const options = { fallback: true, authClient: auth.client, ...(endpointFrom(env) ?? {}) } as ConstructorParameters<typeof InstancesClient>[0];
  const vms: InstancesClient = new instances.InstancesClient(options);
  const zones: ZoneOperationsClient = new zoneOps.ZoneOperationsClient(options);
  const regions: RegionOperationsClient = new regionOps.RegionOperationsClient(options);
  const v1Policies: ResourcePoliciesClient = new policies.ResourcePoliciesClient(options);
  let beta: BetaResourcePoliciesClient | undefined;
  const retryContext = { ...context, secrets: [...(context.secrets ?? []), ...auth.secrets] };
  const retry = <T>(what: string, call: () => Promise<T>): Promise<T> => withRetry(what, call, retryContext);
  // A 404 arrives as apiError's HPCRUN_GCE_NOT_FOUND: for reads and deletes it means "gone".
  const tolerate404 = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof HpcrunError && error.code === 'HPCRUN_GCE_NOT_FOUND') return undefined;
      throw error;
    }
  };
  return {
    async insertPolicy(call) {
      const request = { project: call.project, region: call.region, requestId: call.requestId, resourcePolicyResource: call.body };
      const client = call.beta ? (beta ??= new betaPolicies.ResourcePoliciesClient(options)) : v1Policies;
      const [lro] = await retry(`creating the placement policy ${call.names[0]}`, () => client.insert(request, noRetry()));
      return { scope: 'region', project: call.project, location: call.region, name: toOperation(lro.latestResponse as ProtoOperation).name };
    },
    async bulkInsert(call) {
      const request = { project: call.project, zone: call.zone, requestId: call.requestId, bulkInsertInstanceResourceResource: call.body };
      const [lro] = await retry(`creating ${call.names.length} VM(s) (${call.names[0]}...)`, () => vms.bulkInsert(request, noRetry()));
      return { scope: 'zone', project: call.project, location: call.zone, name: toOperation(lro.latestResponse as ProtoOperation).name };
    },
    async deleteInstance(project, zone, name) {
      const result = await tolerate404(() => retry(`deleting the VM ${name}`, () => vms.delete({ project, zone, instance: name }, noRetry())));
      return result ? { scope: 'zone', project, location: zone, name: toOperation(result[0].latestResponse as ProtoOperation).name } : undefined;
    },
    async deletePolicy(project, region, name) {
      const result = await tolerate404(() => retry(`deleting the placement policy ${name}`, () => v1Policies.delete({ project, region, resourcePolicy: name }, noRetry())));
      return result ? { scope: 'region', project, location: region, name: toOperation(result[0].latestResponse as ProtoOperation).name } : undefined;
    },
    async policyExists(project, region, name) {
      return (await tolerate404(() => retry(`reading the placement policy ${name}`, () => v1Policies.get({ project, region, resourcePolicy: name }, noRetry())))) !== undefined;
    },
    async listPolicies(project, region, pattern) {
      const [items] = await retry(`listing the placement policies in ${region}`, () => v1Policies.list({ project, region, filter: `name eq "${pattern}"` }, noRetry()));
      return items.map((item) => item.name ?? '').filter(Boolean);
    },
    async listInstances(project, zone, cluster) {
      const [items] = await retry(`listing the VMs of ${cluster}`, () => vms.list({ project, zone, filter: `labels.${CLUSTER_LABEL}=${cluster}` }, noRetry()));
      return items.map((item) => toInstance(item as ProtoInstance));
    },
    async getInstance(project, zone, name) {
      const result = await tolerate404(() => retry(`reading the VM ${name}`, () => vms.get({ project, zone, instance: name }, noRetry())));
      return result ? toInstance(result[0] as ProtoInstance) : undefined;
    },
    async hostKeyAttributes(project, zone, name) {
      const result = await tolerate404(() => retry(`reading the host keys of ${name}`, () => vms.getGuestAttributes({ project, zone, instance: name, queryPath: 'hostkeys/' }, noRetry())));
      return result ? (result[0].queryValue?.items ?? []) : undefined;
    },
    async waitOnce(ref) {
      const what = `waiting for the operation ${ref.name}`;
      const [op] = ref.scope === 'zone'
        ? await retry(what, () => zones.wait({ project: ref.project, zone: ref.location, operation: ref.name }, noRetry()))
        : await retry(what, () => regions.wait({ project: ref.project, region: ref.location, operation: ref.name }, noRetry()));
      return toOperation(op as ProtoOperation);
    },
    async close() {
      await Promise.allSettled([vms.close(), zones.close(), regions.close(), v1Policies.close(), ...(beta ? [beta.close()] : [])]);
    },
  };
}
