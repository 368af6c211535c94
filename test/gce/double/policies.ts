// resourcePolicies.insert / get / delete in the Compute Engine test double
// (a double, not Compute Engine). maxDistance exists only in the beta API:
// the v1 path refuses it as an unknown field, as the real v1 API does.

import type { Route } from './server.js';
import { type DoubleState, key } from './state.js';
import { BASE, HttpError, RESOURCE_NAME, badRequest, googleError, notFound } from './wire.js';

const V1_PLACEMENT_FIELDS = new Set(['vmCount', 'collocation', 'availabilityDomainCount']);

function policyJson(state: DoubleState, project: string, region: string, name: string): Record<string, unknown> {
  const policy = state.policies.get(key(project, region, name));
  if (!policy) throw notFound(`projects/${project}/regions/${region}/resourcePolicies/${name}`);
  return {
    kind: 'compute#resourcePolicy',
    name: policy.name,
    region: `${BASE}/projects/${project}/regions/${region}`,
    status: 'READY',
    groupPlacementPolicy: { vmCount: policy.vmCount, collocation: 'COLLOCATED', ...(policy.maxDistance !== undefined ? { maxDistance: policy.maxDistance } : {}) },
    selfLink: `${BASE}/projects/${project}/regions/${region}/resourcePolicies/${policy.name}`,
  };
}

function checkInsert(route: Route): { name: string; vmCount: number; maxDistance: number | undefined } {
  const body = route.body ?? {};
  const name = body.name;
  if (typeof name !== 'string' || !RESOURCE_NAME.test(name)) throw badRequest(`Invalid value for field 'resource.name': '${String(name)}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'`);
  const placement = body.groupPlacementPolicy as Record<string, unknown> | undefined;
  if (!placement) throw badRequest('Invalid value for field \'resource\': exactly one policy type must be set.');
  if (route.version === 'v1') {
    const unknown = Object.keys(placement).find((field) => !V1_PLACEMENT_FIELDS.has(field));
    if (unknown) throw badRequest(`Invalid JSON payload received. Unknown name "${unknown}" at 'resource_policy_resource.group_placement_policy': Cannot find field.`, 'badRequest');
  }
  if (placement.collocation !== 'COLLOCATED') throw badRequest("Invalid value for field 'resource.groupPlacementPolicy.collocation'.");
  const vmCount = Number(placement.vmCount);
  if (!Number.isInteger(vmCount) || vmCount < 2) throw badRequest("Invalid value for field 'resource.groupPlacementPolicy.vmCount': must be at least 2.");
  const maxDistance = placement.maxDistance === undefined ? undefined : Number(placement.maxDistance);
  if (maxDistance !== undefined && ![1, 2, 3].includes(maxDistance)) throw badRequest("Invalid value for field 'resource.groupPlacementPolicy.maxDistance'.");
  const limit = maxDistance === 1 ? 22 : maxDistance === 2 ? 150 : 1500;
  if (vmCount > limit) throw badRequest(`Invalid value for field 'resource.groupPlacementPolicy.vmCount': ${vmCount}. Must be at most ${limit} for this maxDistance.`);
  return { name, vmCount, maxDistance };
}

export function handlePolicies(state: DoubleState, route: Route): unknown {
  const [scope, region, collection, name] = route.parts;
  if (scope !== 'regions' || !region || collection !== 'resourcePolicies') return undefined;
  const { project } = route;
  if (route.method === 'GET' && name === undefined) {
    // resourcePolicies.list with the `name eq "RE2"` filter (a whole-name match).
    const filter = route.query.get('filter');
    const match = filter === null ? undefined : /^name\s+eq\s+"?([^"]+)"?$/.exec(filter);
    if (filter !== null && !match) throw badRequest(`Invalid value for field 'filter': '${filter}'.`);
    const pattern = match ? new RegExp(`^(?:${match[1]})$`) : /.*/;
    const items = [...state.policies.values()].filter((policy) => policy.project === project && policy.region === region && pattern.test(policy.name)).map((policy) => policyJson(state, project, region, policy.name));
    return { kind: 'compute#resourcePolicyList', id: `projects/${project}/regions/${region}/resourcePolicies`, ...(items.length > 0 ? { items } : {}), selfLink: `${BASE}/projects/${project}/regions/${region}/resourcePolicies` };
  }
  if (route.method === 'POST' && name === undefined) {
    const requestId = route.query.get('requestId') ?? undefined;
    const seen = requestId ? state.byRequestId.get(requestId) : undefined;
    if (seen) return state.operationJson(seen);
    const policy = checkInsert(route);
    const target = key(project, region, policy.name);
    if (state.policies.has(target)) throw new HttpError(409, googleError(409, 'alreadyExists', `The resource 'projects/${project}/regions/${region}/resourcePolicies/${policy.name}' already exists`));
    const op = state.startOperation(
      {
        project,
        scope: 'region',
        location: region,
        type: 'insert',
        target: `${BASE}/projects/${project}/regions/${region}/resourcePolicies/${policy.name}`,
        requestId,
        onRunning: () => undefined,
        onDone: () => {
          if (!op.error) state.policies.set(target, { project, region, name: policy.name, vmCount: policy.vmCount, maxDistance: policy.maxDistance, beta: route.version === 'beta' });
        },
      },
      'policy.insert',
    );
    return state.operationJson(op);
  }
  if (!name) return undefined;
  if (route.method === 'GET') return policyJson(state, project, region, name);
  if (route.method === 'DELETE') {
    const target = key(project, region, name);
    if (!state.policies.has(target)) throw notFound(`projects/${project}/regions/${region}/resourcePolicies/${name}`);
    const users = state.policiesInUse(project, region, name);
    if (users.length > 0) {
      throw badRequest(`The resource_policy resource 'projects/${project}/regions/${region}/resourcePolicies/${name}' is already being used by 'projects/${project}/zones/${users[0]?.zone}/instances/${users[0]?.name}'`, 'resourceInUseByAnotherResource');
    }
    const op = state.startOperation(
      { project, scope: 'region', location: region, type: 'delete', target: `${BASE}/projects/${project}/regions/${region}/resourcePolicies/${name}`, requestId: route.query.get('requestId') ?? undefined, onRunning: () => undefined, onDone: () => void (op.error || state.policies.delete(target)) },
      'policy.delete',
    );
    return state.operationJson(op);
  }
  return undefined;
}
