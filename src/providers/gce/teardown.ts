// Deleting a cluster: every VM labelled hpcrun-cluster=NAME or recorded (in
// cluster.json or the journal), then every recorded placement policy, with
// every operation waited on; then a check that nothing is left, repeated
// within a bounded time. Deleting what is already gone is not an error, so
// this is idempotent, and it is what `up` runs when it fails.

import { HpcrunError } from '../../errors.js';
import type { ComputeApi, OperationRef } from './api.js';
import { API_CONCURRENCY, mapLimit } from './limit.js';
import { interrupted, waitDone } from './operations.js';
import { type GceTiming, sleep } from './timing.js';

export interface TeardownTarget {
  name: string;
  project: string;
  zone: string;
  region: string;
  instances: readonly string[];
  policies: readonly string[];
  /** Operations of creates that may still be running (from the journal). */
  operations: readonly OperationRef[];
  /**
   * Without a cluster folder nothing records the policies (they carry no
   * labels): find them by the names up gives them, NAME-compact[-N].
   */
  findPolicies?: boolean;
}

export interface TeardownOptions {
  timing: GceTiming;
  signal?: AbortSignal | undefined;
  log: (line: string) => void;
}

export interface TeardownResult {
  instances: string[];
  policies: string[];
}

async function settle(api: ComputeApi, refs: readonly (OperationRef | undefined)[], what: string, options: TeardownOptions): Promise<string[]> {
  const problems: string[] = [];
  await mapLimit(refs.filter((ref): ref is OperationRef => ref !== undefined), API_CONCURRENCY, async (ref) => {
    try {
      const op = await waitDone(api, ref, what, options);
      if (op.errors.length > 0) problems.push(`${op.errors[0]?.code}: ${op.errors[0]?.message}`);
    } catch (error) {
      if (error instanceof HpcrunError && error.kind === 'interrupted') throw error;
      // An operation Compute Engine no longer knows of has finished long ago.
      if (!(error instanceof HpcrunError && error.code === 'HPCRUN_GCE_NOT_FOUND')) problems.push((error as Error).message);
    }
  });
  return problems;
}

export async function teardown(api: ComputeApi, target: TeardownTarget, options: TeardownOptions): Promise<TeardownResult> {
  const { project, zone, region } = target;
  const deadline = Date.now() + options.timing.sweepTimeoutMs;
  // Creates still in flight finish first, so that no VM appears after the sweep looked.
  await settle(api, target.operations, 'a create still in flight', options);
  const deleted: TeardownResult = { instances: [], policies: [] };
  // Names are [a-z0-9-], so the name is its own regular expression (matched whole, RE2).
  const policies = target.findPolicies ? [...new Set([...target.policies, ...(await api.listPolicies(project, region, `${target.name}-compact(-[0-9]+)?`))])] : [...target.policies];
  for (let pass = 1; ; pass += 1) {
    if (options.signal?.aborted) throw interrupted(options.signal);
    const labelled = (await api.listInstances(project, zone, target.name)).map((instance) => instance.name);
    const names = [...new Set([...labelled, ...target.instances])];
    const refs = await mapLimit(names, API_CONCURRENCY, (name) => api.deleteInstance(project, zone, name));
    names.forEach((name, i) => refs[i] && !deleted.instances.includes(name) && deleted.instances.push(name));
    if (refs.some(Boolean)) options.log(`down: deleting ${refs.filter(Boolean).length} VM(s)`);
    const vmProblems = await settle(api, refs, 'deleting the VMs', options);
    const policyProblems: string[] = [];
    const policyRefs = await mapLimit(policies, API_CONCURRENCY, async (policy) => {
      try {
        return await api.deletePolicy(project, region, policy);
      } catch (error) {
        // Still in use by a VM that is being deleted: the next pass takes it.
        if (error instanceof HpcrunError && error.kind === 'interrupted') throw error;
        policyProblems.push((error as Error).message);
        return undefined;
      }
    });
    policies.forEach((policy, i) => policyRefs[i] && !deleted.policies.includes(policy) && deleted.policies.push(policy));
    if (policyRefs.some(Boolean)) options.log(`down: deleting ${policyRefs.filter(Boolean).length} placement polic${policyRefs.filter(Boolean).length === 1 ? 'y' : 'ies'}`);
    policyProblems.push(...(await settle(api, policyRefs, 'deleting the placement policies', options)));
    // What is left, as Compute Engine reports it now (every VM hpcrun creates carries the label from its first request).
    const remaining = [
      ...(await api.listInstances(project, zone, target.name)).map((instance) => instance.name),
      ...(await mapLimit(policies, API_CONCURRENCY, async (policy) => ((await api.policyExists(project, region, policy)) ? policy : undefined))).filter((name): name is string => name !== undefined),
    ];
    if (remaining.length === 0) return deleted;
    if (Date.now() >= deadline) {
      const why = [...vmProblems, ...policyProblems].slice(0, 3).join('; ');
      throw new HpcrunError('cloud', 'HPCRUN_GCE_TEARDOWN_INCOMPLETE', `${[...new Set(remaining)].join(', ')} still exist${remaining.length === 1 ? 's' : ''} after ${pass} pass(es)${why ? `: ${why}` : ''}`, {
        hint: `run \`hpcrun cluster down ${target.name}\` again; the journal and labels still name them`,
      });
    }
    await sleep(Math.min(options.timing.backoffMaxMs, options.timing.backoffBaseMs * 2 ** pass), options.signal);
  }
}
