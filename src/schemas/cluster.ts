// A cluster folder written by `hpcrun cluster up` (default
// ~/.hpcrun/clusters/NAME/): cluster.json describes what was created, and
// journal.jsonl records, before each create, what `up` was about to create, so
// that `hpcrun cluster down` can clean up after an `up` that was killed at any
// point. Both are read back by hpcrun, so both are defined here. Pure.

import { z } from 'zod';
import { check, declaredVersion, show, type Checked, type Rules } from './issues.js';
import type { FileFormat } from './json-schema.js';

export const CLUSTER_SCHEMA_VERSION = 1;
export const CLUSTER_KIND = 'hpcrun-cluster';

const name = z.string().regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, { error: (iss) => `${show(iss.input)} is not a Compute Engine resource name` });
const instant = z.iso.datetime({ error: (iss) => `${show(iss.input)} must be an RFC 3339 time such as 2026-01-31T12:00:00.000Z` });
const address = z.ipv4();

export const ClusterNodeSchema = z.strictObject({
  name,
  ip: address.describe('Internal IPv4 address; the inventory lists nodes by it.'),
  policy: name.nullable().describe('The compact placement policy the node was created in; null for a single node.'),
});

export const ClusterPolicySchema = z.strictObject({
  name,
  vmCount: z.int().min(1),
  maxDistance: z.int().min(1).max(3).nullable().describe('Set (through the beta API) only when --max-distance was given.'),
  nodes: z.array(name).min(1),
});

export const ClusterSchema = z
  .strictObject({
    $schema: z.string().optional(),
    schemaVersion: z.literal(CLUSTER_SCHEMA_VERSION),
    kind: z.literal(CLUSTER_KIND),
    provider: z.literal('gce'),
    name,
    project: z.string().min(1),
    zone: z.string().min(1),
    region: z.string().min(1),
    createdAt: instant,
    expiresAt: instant.nullable().describe('createdAt + --ttl: Compute Engine deletes the VMs then (scheduling.maxRunDuration).'),
    machine: z.strictObject({
      name: z.string().min(1),
      vcpus: z.number().positive(),
      physicalCores: z.number().positive(),
      memoryGiB: z.number().positive().nullable(),
      onDemandPerHour: z.number().positive().nullable(),
      spotPerHour: z.number().positive().nullable(),
    }),
    spot: z.boolean(),
    tier1: z.boolean(),
    image: z.string().min(1),
    network: z.string().min(1),
    subnetwork: z.string().min(1).nullable(),
    diskGb: z.int().min(10),
    ssh: z.strictObject({
      user: z.string().min(1),
      port: z.int().min(1).max(65535).describe("The VMs' sshd port (22 unless the image says otherwise)."),
      identity: z.string().min(1).nullable().describe('Private key for launch --cluster (the pair of the public key put in metadata).'),
      publicKeys: z.array(z.string().min(1)).min(1).describe('The ssh-keys metadata lines, USER:TYPE KEY COMMENT.'),
    }),
    policies: z.array(ClusterPolicySchema),
    nodes: z.array(ClusterNodeSchema).min(1),
    head: z
      .strictObject({
        name,
        ip: address,
        externalIp: address,
        publicKey: z.string().min(1).describe("ssh-keys line of the head's own key pair, which the compute nodes accept (mpirun's ssh from the head)."),
        keyPath: z.string().min(1).describe("The cluster's own private key on the head node, for mpirun's ssh to the nodes."),
        knownHostsPath: z.string().min(1),
      })
      .nullable(),
  })
  .meta({
    title: 'hpcrun cluster',
    description: 'cluster.json in a folder written by `hpcrun cluster up`; read by `hpcrun launch --cluster NAME` and `hpcrun cluster down|status|repair NAME`.',
  });

export type Cluster = z.output<typeof ClusterSchema>;
export type ClusterNode = z.output<typeof ClusterNodeSchema>;
export type ClusterPolicy = z.output<typeof ClusterPolicySchema>;

const clusterRules: Rules<Cluster> = (cluster, report) => {
  const names = new Set(cluster.nodes.map((node) => node.name));
  if (names.size !== cluster.nodes.length) report.error(['nodes'], 'names a node twice');
  cluster.nodes.forEach((node, i) => {
    if (node.policy !== null && !cluster.policies.some((policy) => policy.name === node.policy)) report.error(['nodes', i, 'policy'], `${node.policy} is not among the policies`);
  });
};

/** Checks parsed cluster.json: the kind and version, then the schema, then the cross-field rules. */
export function checkCluster(data: unknown): Checked<Cluster> {
  const kind = typeof data === 'object' && data !== null ? (data as { kind?: unknown }).kind : undefined;
  if (kind !== CLUSTER_KIND) return { ok: false, errors: [`not an hpcrun cluster (kind is not "${CLUSTER_KIND}")`] };
  const found = declaredVersion(data);
  if (found !== CLUSTER_SCHEMA_VERSION) return { ok: false, errors: [`found schemaVersion ${show(found)}, this hpcrun reads ${CLUSTER_SCHEMA_VERSION}`] };
  return check(ClusterSchema, data, clusterRules);
}

/** One line of journal.jsonl. `begin` lists everything the run means to create; each `create` is written before its request. */
export const JournalEventSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('begin'),
    at: instant,
    project: z.string().min(1),
    zone: z.string().min(1),
    region: z.string().min(1),
    name,
    policies: z.array(name),
    instances: z.array(name),
  }),
  z.object({ event: z.literal('create'), at: instant, kind: z.enum(['policy', 'instances']), names: z.array(name).min(1) }),
  z.object({ event: z.literal('operation'), at: instant, scope: z.enum(['zone', 'region']), location: z.string().min(1), name: z.string().min(1) }),
  z.object({ event: z.enum(['up-done', 'down-done']), at: instant }),
]);

export type JournalEvent = z.output<typeof JournalEventSchema>;

export const clusterFormat: FileFormat = { name: 'cluster', schema: ClusterSchema };
