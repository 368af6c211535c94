// instances.bulkInsert / list / get / delete / getGuestAttributes in the
// Compute Engine test double (a double, not Compute Engine), with the checks
// the real API makes on what hpcrun sends.

import type { ComputeDouble, Route } from './server.js';
import { type DoubleState, key } from './state.js';
import { BASE, HttpError, RESOURCE_NAME, badRequest, googleError, notFound, regionOfZone } from './wire.js';

interface Properties {
  machineType?: unknown;
  scheduling?: { onHostMaintenance?: string; maxRunDuration?: { seconds?: string }; instanceTerminationAction?: string; provisioningModel?: string };
  networkInterfaces?: { nicType?: string; network?: string }[];
  networkPerformanceConfig?: { totalEgressBandwidthTier?: string };
  resourcePolicies?: string[];
  disks?: { boot?: boolean; initializeParams?: { sourceImage?: string } }[];
  labels?: Record<string, string>;
}

function checkBulkInsert(state: DoubleState, route: Route, zone: string): { names: string[]; properties: Properties } {
  const body = route.body ?? {};
  if (body.namePattern !== undefined) throw badRequest('this double serves perInstanceProperties only');
  const names = Object.keys((body.perInstanceProperties as Record<string, unknown> | undefined) ?? {});
  const count = Number(body.count);
  const minCount = body.minCount === undefined ? count : Number(body.minCount);
  if (!Number.isInteger(count) || count < 1 || names.length !== count || minCount > count) throw badRequest("Invalid value for field 'bulkInsertInstanceResource.count'.");
  for (const name of names) if (!RESOURCE_NAME.test(name)) throw badRequest(`Invalid value for field 'bulkInsertInstanceResource.perInstanceProperties': '${name}'.`);
  const properties = (body.instanceProperties ?? {}) as Properties;
  if (typeof properties.machineType !== 'string' || properties.machineType.includes('/')) throw badRequest("Invalid value for field 'instanceProperties.machineType': a machine type name is required.");
  if (!properties.disks?.some((disk) => disk.boot && disk.initializeParams?.sourceImage)) throw badRequest('Invalid value for field \'instanceProperties.disks\': a boot disk with a source image is required.');
  const nic = properties.networkInterfaces?.[0];
  if (!nic?.network) throw badRequest("Invalid value for field 'instanceProperties.networkInterfaces'.");
  const scheduling = properties.scheduling ?? {};
  if (scheduling.maxRunDuration && !scheduling.instanceTerminationAction) throw badRequest("Invalid value for field 'instanceProperties.scheduling.instanceTerminationAction': required with maxRunDuration.");
  if (properties.networkPerformanceConfig?.totalEgressBandwidthTier === 'TIER_1' && nic.nicType !== 'GVNIC') throw badRequest('Tier_1 networking requires the gVNIC network interface.');
  const region = regionOfZone(zone);
  for (const policy of properties.resourcePolicies ?? []) {
    if (policy.includes('/')) throw badRequest("Invalid value for field 'instanceProperties.resourcePolicies': names, not URLs.");
    const found = state.policies.get(key(route.project, region, policy));
    if (!found) throw notFound(`projects/${route.project}/regions/${region}/resourcePolicies/${policy}`);
    if (scheduling.onHostMaintenance !== 'TERMINATE') throw badRequest('Compact placement policies require instances with onHostMaintenance set to TERMINATE.');
    const used = state.policiesInUse(route.project, region, policy).length;
    if (used + count > found.vmCount) throw badRequest(`The placement policy '${policy}' allows ${found.vmCount} VMs; ${used} use it and ${count} more were requested.`);
  }
  return { names, properties };
}

function bulkInsert(state: DoubleState, route: Route, zone: string): unknown {
  const requestId = route.query.get('requestId') ?? undefined;
  const seen = requestId ? state.byRequestId.get(requestId) : undefined;
  if (seen) return state.operationJson(seen);
  const { names, properties } = checkBulkInsert(state, route, zone);
  const project = route.project;
  const created: string[] = [];
  const op = state.startOperation(
    {
      project,
      scope: 'zone',
      location: zone,
      type: 'bulkInsert',
      target: `${BASE}/projects/${project}/zones/${zone}/instances`,
      requestId,
      onRunning: () => {
        const clash = names.find((name) => state.instances.has(key(project, zone, name)));
        if (clash) {
          op.fault = { call: 'instances.bulkInsert', error: { code: 'RESOURCE_ALREADY_EXISTS', message: `The resource 'projects/${project}/zones/${zone}/instances/${clash}' already exists` }, httpErrorStatusCode: 409 };
          return;
        }
        const howMany = op.fault ? (op.fault.midway ?? 0) : names.length;
        for (const name of names.slice(0, howMany)) created.push(state.createInstance(project, zone, name, properties as Record<string, unknown>).name);
      },
      onDone: () => {
        // minCount = count: if not all could be created, none are kept.
        if (op.error) for (const name of created) state.instances.delete(key(project, zone, name));
      },
    },
    'instances.bulkInsert',
  );
  return state.operationJson(op);
}

/** The filters hpcrun sends: labels.KEY=VALUE (quotes and spaces allowed). */
function labelFilter(filter: string | null): ((labels: Record<string, string>) => boolean) | undefined {
  if (filter === null || filter === '') return () => true;
  const match = /^\(?\s*labels\.([a-z0-9_-]+)\s*(=|eq)\s*"?([a-z0-9_-]*)"?\s*\)?$/.exec(filter);
  if (!match) return undefined;
  return (labels) => labels[match[1] as string] === match[3];
}

function list(double: ComputeDouble, route: Route, zone: string): unknown {
  const accept = labelFilter(route.query.get('filter'));
  if (!accept) throw badRequest(`Invalid value for field 'filter': '${route.query.get('filter')}'.`);
  const all = [...double.state.instances.values()]
    .filter((vm) => vm.project === route.project && vm.zone === zone && accept((vm.properties.labels as Record<string, string> | undefined) ?? {}))
    .sort((a, b) => a.name.localeCompare(b.name));
  const size = Math.min(Number(route.query.get('maxResults') ?? double.pageSize), double.pageSize);
  const start = Number(route.query.get('pageToken') ?? 0);
  const page = all.slice(start, start + size);
  return {
    kind: 'compute#instanceList',
    id: `projects/${route.project}/zones/${zone}/instances`,
    ...(page.length > 0 ? { items: page.map((vm) => double.state.instanceJson(vm)) } : {}),
    ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}),
    selfLink: `${BASE}/projects/${route.project}/zones/${zone}/instances`,
  };
}

export function handleInstances(double: ComputeDouble, route: Route): unknown {
  const { state } = double;
  const [scope, zone, collection, name, verb] = route.parts;
  if (scope !== 'zones' || !zone || collection !== 'instances') return undefined;
  if (name === 'bulkInsert' && route.method === 'POST') return bulkInsert(state, route, zone);
  if (name === undefined && route.method === 'GET') return list(double, route, zone);
  if (!name) return undefined;
  const target = key(route.project, zone, name);
  const vm = state.instances.get(target);
  if (!vm) throw notFound(`projects/${route.project}/zones/${zone}/instances/${name}`);
  if (verb === 'getGuestAttributes' && route.method === 'GET') {
    if (route.query.get('queryPath') !== 'hostkeys/' || !state.guestAttributesReady(vm)) {
      throw new HttpError(404, googleError(404, 'notFound', "The resource 'hostkeys/' of type 'Guest Attribute' was not found."));
    }
    return {
      kind: 'compute#guestAttributes',
      queryPath: 'hostkeys/',
      queryValue: { items: vm.hostKeys.map((hostKey) => ({ namespace: 'hostkeys', key: hostKey.type, value: hostKey.key })) },
      selfLink: `${BASE}/projects/${route.project}/zones/${zone}/instances/${name}/guestAttributes/hostkeys/`,
    };
  }
  if (verb !== undefined) return undefined;
  if (route.method === 'GET') return state.instanceJson(vm);
  if (route.method === 'DELETE') {
    const op = state.startOperation(
      {
        project: route.project,
        scope: 'zone',
        location: zone,
        type: 'delete',
        target: `${BASE}/projects/${route.project}/zones/${zone}/instances/${name}`,
        requestId: route.query.get('requestId') ?? undefined,
        onRunning: () => void (vm.status = 'STOPPING'),
        onDone: () => void (op.error || state.instances.delete(target)),
      },
      'instances.delete',
    );
    return state.operationJson(op);
  }
  return undefined;
}
