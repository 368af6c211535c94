// The nightly benchmark's config file (hpcrun-nightly.json), written by
// `hpcrun nightly init` and read by `hpcrun nightly run --config FILE`.
// Relative paths in it are relative to the file's own folder. Pure.

import { z } from 'zod';
import { check, declaredVersion, show, type Checked, type Rules } from './issues.js';
import type { FileFormat } from './json-schema.js';

export const NIGHTLY_SCHEMA_VERSION = 1;
export const NIGHTLY_KIND = 'hpcrun-nightly';
export const NIGHTLY_KINDS = ['latency', 'bw', 'bibw', 'mbw'] as const;

const path = z.string().min(1);
const fraction = z.number().min(0).max(10);

export const NightlyConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    schemaVersion: z.literal(NIGHTLY_SCHEMA_VERSION),
    kind: z.literal(NIGHTLY_KIND),
    inventory: path.describe('SSH inventory (Open MPI hostfile syntax) of the nodes to measure, as bench --hosts.'),
    head: z.string().min(1).nullable().default(null).describe('Run mpirun on this host over SSH (bench --head); null runs it where nightly runs.'),
    kinds: z.array(z.enum(NIGHTLY_KINDS)).min(1).describe('Kernels to run, as bench --kind.'),
    sizes: z.array(z.union([z.int().min(0), z.string().min(1)])).min(1).describe('Message sizes: 8, "1KiB", "1MiB", as bench --sizes.'),
    pairs: z.enum(['first', 'all']).default('first').describe('first: the first two hosts; all: every pair.'),
    ppn: z.int().min(1).default(1),
    targetCi: z.number().gt(0).lt(1).default(0.05).describe("Stop once the median's 95% CI is within this fraction of it."),
    maxSamples: z.int().min(1).nullable().default(null).describe('Sample cap per kind and size; null: the OSU counts.'),
    history: path.describe('Folder of earlier result sets; each night appends its set here.'),
    report: path.describe('Base path of the report: PATH.html, PATH.md and PATH-gate.xml (JUnit).'),
    work: path.default('.hpcrun-nightly').describe("Folder for the night's own result set before it joins the history (and a failed night's set)."),
    tolerance: fraction.default(0.1).describe('Relative change never flagged (0.1 = 10%).'),
    minHistory: z.int().min(0).default(5).describe('Runs a metric needs before it can fail; fewer is warming up.'),
    window: z.int().min(1).default(30).describe('The most recent runs that form the baseline and the trend plots.'),
    strictEnv: z.boolean().default(false).describe('Judge metrics whose environment changed instead of reporting "environment changed".'),
    ssh: z
      .strictObject({
        identity: z.string().min(1).optional(),
        user: z.string().min(1).optional(),
        port: z.int().min(1).max(65535).optional(),
        knownHosts: z.string().min(1).optional(),
      })
      .default({})
      .describe('SSH settings for bench (--identity, --user, --port, --known-hosts).'),
    skipUnreachable: z.boolean().default(false),
  })
  .meta({
    title: 'hpcrun nightly config',
    description: 'hpcrun-nightly.json, written by `hpcrun nightly init` and read by `hpcrun nightly run --config FILE`. Generated from src/schemas/nightly.ts by `npm run schemas`; do not edit.',
  });

export type NightlyConfig = z.output<typeof NightlyConfigSchema>;
export type NightlyConfigInput = z.input<typeof NightlyConfigSchema>;

const SIZE = /^\s*\d+(\.\d+)?\s*([KMG]i?B?|B)?\s*$/i;

const nightlyRules: Rules<NightlyConfig> = (config, report) => {
  config.sizes.forEach((size, i) => {
    if (typeof size === 'string' && !SIZE.test(size)) report.error(['sizes', i], `${show(size)} is not a message size such as 8, "1KiB" or "1MiB"`);
  });
  if (new Set(config.kinds).size !== config.kinds.length) report.error(['kinds'], 'names a kind twice');
};

/** Checks a parsed config: kind and version first, then the schema, then the rules. */
export function checkNightlyConfig(data: unknown): Checked<NightlyConfig> {
  const kind = typeof data === 'object' && data !== null ? (data as { kind?: unknown }).kind : undefined;
  if (kind !== NIGHTLY_KIND) return { ok: false, errors: [`not an hpcrun nightly config (kind is not "${NIGHTLY_KIND}")`] };
  const found = declaredVersion(data);
  if (found !== NIGHTLY_SCHEMA_VERSION) return { ok: false, errors: [`found schemaVersion ${show(found)}, this hpcrun reads ${NIGHTLY_SCHEMA_VERSION}`] };
  return check(NightlyConfigSchema, data, nightlyRules);
}

export const nightlyFormat: FileFormat = {
  name: 'nightly-config',
  schema: NightlyConfigSchema,
  published: { path: 'benchmarks/nightly.schema.json', id: 'https://hpcrun.dev/benchmarks/nightly.schema.json' },
};
