// Bad input to the cluster commands: each gets a clear error with its code
// and the documented exit status, before anything is created. Compute Engine
// is a local double (not Compute Engine) that must see no create request.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FIXTURES, type Lab, UP, openLab } from './helpers.js';

let lab: Lab;
beforeAll(async () => {
  lab = await openLab();
});
afterAll(async () => {
  await lab.close();
});

const shape = ['--machine', 'c2-standard-60', '--nodes', '2', '--yes'];

describe('cluster commands refuse bad input with a documented exit status', () => {
  it.each([
    ['an unknown zone format', ['cluster', 'up', '--project', 'hpc-proj', '--zone', 'us-central1', ...shape], {}, 64, /HPCRUN_GCE_BAD_ZONE: --zone "us-central1" is not a Compute Engine zone/],
    ['a project ID that cannot be one', ['cluster', 'up', '--project', 'P', '--zone', 'us-central1-a', ...shape], {}, 64, /HPCRUN_GCE_BAD_PROJECT/],
    ['a machine not in the catalog', [...UP, '--machine', 'c9-huge-1', '--nodes', '2', '--yes'], {}, 64, /HPCRUN_UNKNOWN_MACHINE: unknown machine type "c9-huge-1"/],
    ['Tier_1 on a shape below 30 vCPUs', [...UP, '--catalog', join(FIXTURES, 'small-catalog.json'), '--machine', 'c2-standard-8', '--nodes', '2', '--tier1', '--yes'], {}, 67, /HPCRUN_GCE_TIER1_TOO_SMALL: Tier_1 networking needs at least 30 vCPUs; c2-standard-8 has 8/],
    ['an on-prem shape', [...UP, '--catalog', join(FIXTURES, 'small-catalog.json'), '--machine', 'epyc-128', '--nodes', '2', '--yes'], {}, 64, /HPCRUN_GCE_NOT_GCE/],
    ['a family without compact placement', [...UP, '--machine', 'n1-standard-64', '--nodes', '4', '--yes'], {}, 67, /HPCRUN_GCE_NO_COMPACT_PLACEMENT: n1-standard-64 \(n1 family\) does not support compact placement/],
    ['--nodes 0', [...UP, '--machine', 'c2-standard-60', '--nodes', '0', '--yes'], {}, 64, /HPCRUN_BAD_NUMBER: --nodes "0" is not a positive whole number/],
    ['--max-distance 4', [...UP, ...shape, '--max-distance', '4'], {}, 64, /HPCRUN_BAD_NUMBER: --max-distance 4 is not 1, 2 or 3/],
    ['a TTL below 30 s', [...UP, ...shape, '--ttl', '10s'], {}, 64, /HPCRUN_GCE_BAD_TTL/],
    ['an SSH user that is no login name', [...UP, ...shape, '--ssh-user', 'Bad User'], {}, 64, /HPCRUN_GCE_BAD_USER/],
    ['no SSH public key', [...UP, ...shape, '--ssh-key', '/nonexistent/key.pub'], {}, 66, /HPCRUN_SSH_KEY_MISSING/],
    ['both --plan and --machine', [...UP, ...shape, '--plan', FIXTURES], {}, 64, /HPCRUN_GCE_PLAN_AND_SHAPE/],
    ['no credentials', [...UP, ...shape, '--name', 'nocreds'], { GOOGLE_OAUTH_ACCESS_TOKEN: undefined }, 69, /HPCRUN_GCP_NO_CREDENTIALS: no Google Cloud credentials.*\n.*fix: run `gcloud auth application-default login`/],
    ['an unreadable GOOGLE_APPLICATION_CREDENTIALS', [...UP, ...shape, '--name', 'badkey'], { GOOGLE_OAUTH_ACCESS_TOKEN: undefined, GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/key.json' }, 69, /HPCRUN_GCP_NO_CREDENTIALS: no Google Cloud credentials: cannot use \/nonexistent\/key\.json/],
    ['a malformed endpoint override', [...UP, ...shape, '--name', 'ep'], { CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: 'ftp://x/compute/v2/' }, 65, /HPCRUN_GCE_BAD_ENDPOINT/],
    ['no --yes without a terminal', [...UP, '--machine', 'c2-standard-60', '--nodes', '2', '--name', 'noyes'], {}, 64, /cost: 2 × c2-standard-60[\s\S]*HPCRUN_CONFIRM_NEEDED/],
    ['down of an unknown cluster', ['cluster', 'down', 'never-made'], {}, 66, /HPCRUN_CLUSTER_UNKNOWN: no cluster named never-made in/],
    ['status of an unknown cluster', ['cluster', 'status', 'never-made'], {}, 66, /HPCRUN_CLUSTER_UNKNOWN/],
    ['launch --cluster of an unknown cluster', ['launch', '--cluster', 'never-made', '--dry-run', '--', './a'], {}, 66, /HPCRUN_CLUSTER_UNKNOWN/],
    ['bench --cluster of an unknown cluster', ['bench', '--cluster', 'never-made'], {}, 66, /HPCRUN_CLUSTER_UNKNOWN/],
    ['a cluster name that cannot name resources', ['cluster', 'down', 'Bad_Name'], {}, 64, /HPCRUN_GCE_BAD_NAME/],
    ['--cluster with --hosts', ['launch', '--cluster', 'x', '--hosts', '/dev/null', '--', './a'], {}, 64, /HPCRUN_TWO_NODE_SOURCES/],
  ] as const)('%s', async (_what, argv, env, status, message) => {
    const before = lab.double.log.length;
    const run = await lab.run(argv, env);
    expect(run.err).toMatch(message);
    expect(run.code).toBe(status);
    expect(lab.double.log.slice(before).filter((entry) => entry.method !== 'GET' && !entry.path.includes('/wait'))).toEqual([]);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });

  it('refuses a second cluster of the same name', async () => {
    expect((await lab.run([...UP, ...shape, '--name', 'twice'])).code).toBe(0);
    const again = await lab.run([...UP, ...shape, '--name', 'twice']);
    expect(again.code).toBe(64);
    expect(again.err).toMatch(/HPCRUN_CLUSTER_EXISTS: a cluster named twice exists already/);
    expect((await lab.run(['cluster', 'down', 'twice'])).code).toBe(0);
    expect(lab.double.counts()).toEqual({ instances: 0, policies: 0 });
  });
});
