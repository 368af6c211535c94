// `hpcrun cluster up`: read the flags, the catalog, the plan and the SSH
// public key; decide what to create (pure core); print what it costs; with
// --dry-run print the REST calls and stop; otherwise confirm and create.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import type { Deps } from '../deps.js';
import { HpcrunError, inputError, usageError } from '../errors.js';
import { catalogError, validateCatalog, type Catalog } from '../core/catalog/catalog.js';
import { type ClusterSpec, ROOT_LOGIN_WARNING, clusterSpec, estimateCost, parsePublicKey, sshKeysLine, upCalls, wireOf } from '../core/gce/index.js';
import { parsePlanFile, PLAN_FILES } from '../core/plan/index.js';
import { requireDuration, requirePort, requirePositiveInt } from '../core/units.js';
import { readInput } from '../io/read-input.js';

export const DEFAULT_CATALOG = fileURLToPath(new URL('../../placement/gce-catalog.json', import.meta.url));

export interface UpOptions {
  provider: string;
  project?: string;
  zone?: string;
  plan?: string;
  machine?: string;
  nodes?: string;
  spot?: boolean;
  tier1?: boolean;
  image?: string;
  name?: string;
  head?: boolean;
  ttl?: string;
  maxDistance?: string;
  network?: string;
  subnet?: string;
  diskSize?: string;
  sshUser?: string;
  sshPort?: string;
  sshKey?: string;
  identity?: string;
  catalog?: string;
  dryRun?: boolean;
  json?: boolean;
  yes?: boolean;
}

async function readJson(path: string, what: string, code: string): Promise<unknown> {
  const text = await readInput(path, `${what} ${path}`, code);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw inputError('HPCRUN_BAD_JSON', `${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

async function readCatalog(path: string): Promise<Catalog> {
  const checked = validateCatalog(await readJson(path, 'catalog', 'HPCRUN_FILE_NOT_FOUND'));
  if (!checked.ok) throw catalogError(checked.errors, path);
  return checked.value;
}

/** The public key for ssh-keys metadata, and its private half for launch --cluster (OpenSSH's default names). */
async function sshKey(options: UpOptions, deps: Deps): Promise<{ line: { type: string; key: string }; identity: string | null }> {
  const home = deps.env.HOME || homedir();
  const candidates = options.sshKey ? [resolve(deps.cwd, options.sshKey)] : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(home, '.ssh', `${name}.pub`));
  const path = candidates.find((candidate) => existsSync(candidate));
  if (!path) {
    throw new HpcrunError('not-found', 'HPCRUN_SSH_KEY_MISSING', options.sshKey ? `cannot read the public key ${options.sshKey}` : `no SSH public key in ${join(home, '.ssh')} (id_ed25519.pub, id_ecdsa.pub, id_rsa.pub)`, {
      hint: 'make a key pair with `ssh-keygen -t ed25519`, or give --ssh-key FILE.pub',
    });
  }
  const line = parsePublicKey(await readFile(path, 'utf8'), path);
  const privateKey = options.identity ? resolve(deps.cwd, options.identity) : path.replace(/\.pub$/, '');
  return { line, identity: existsSync(privateKey) ? privateKey : null };
}

/** The flags as a spec: everything checked, nothing contacted. */
export async function upSpec(options: UpOptions, deps: Deps): Promise<{ spec: ClusterSpec; catalog: Catalog }> {
  if (options.provider !== 'gce') throw usageError('HPCRUN_UNKNOWN_PROVIDER', `--provider ${options.provider} is not supported`, 'use --provider gce');
  if (!options.project || !options.zone) throw usageError('HPCRUN_GCE_NO_PROJECT', 'cluster up needs --project and --zone', 'for example --project my-project --zone us-central1-a');
  if (options.plan && (options.machine !== undefined || options.nodes !== undefined)) {
    throw usageError('HPCRUN_GCE_PLAN_AND_SHAPE', '--plan fixes the machine type and the node count, so --machine and --nodes cannot be given with it', 'drop --machine/--nodes, or drop --plan');
  }
  const catalog = await readCatalog(options.catalog ? resolve(deps.cwd, options.catalog) : DEFAULT_CATALOG);
  const plan = options.plan ? parsePlanFile(await readJson(join(resolve(deps.cwd, options.plan), PLAN_FILES.plan), 'plan', 'HPCRUN_PLAN_MISSING'), join(options.plan, PLAN_FILES.plan)) : undefined;
  const user = options.sshUser ?? deps.env.USER ?? deps.env.LOGNAME ?? '';
  const key = await sshKey(options, deps);
  const maxDistance = options.maxDistance === undefined ? undefined : requirePositiveInt(options.maxDistance, '--max-distance');
  if (maxDistance !== undefined && maxDistance > 3) throw usageError('HPCRUN_BAD_NUMBER', `--max-distance ${maxDistance} is not 1, 2 or 3`, 'for example --max-distance 2');
  const spec = clusterSpec(
    {
      project: options.project,
      zone: options.zone,
      name: options.name,
      machine: options.machine,
      nodes: options.nodes === undefined ? undefined : requirePositiveInt(options.nodes, '--nodes'),
      plan,
      spot: options.spot === true,
      tier1: options.tier1 === true,
      head: options.head === true,
      image: options.image,
      ttlMs: options.ttl === undefined ? undefined : requireDuration(options.ttl, '--ttl'),
      maxDistance,
      network: options.network,
      subnetwork: options.subnet,
      diskGb: options.diskSize === undefined ? undefined : requirePositiveInt(options.diskSize, '--disk-size'),
      ssh: { user, port: options.sshPort === undefined ? 22 : requirePort(options.sshPort), identity: key.identity, publicKeys: [sshKeysLine(user, key.line)] },
      now: deps.now(),
    },
    catalog,
  );
  if (user === 'root') deps.stderr.write(`${ROOT_LOGIN_WARNING}\n`);
  return { spec, catalog };
}

export function costLines(spec: ClusterSpec, catalog: Catalog): string[] {
  return estimateCost({ shape: spec.shape, nodes: spec.nodes.length, spot: spec.spot, head: spec.head !== undefined, ttlSeconds: spec.ttlSeconds, catalogRegion: catalog.region, region: spec.region }).lines;
}

/** --dry-run: the REST calls `up` would make, in order, with their bodies; nothing is contacted. */
export function printDryRun(spec: ClusterSpec, catalog: Catalog, json: boolean, deps: Deps): void {
  const headKey = spec.head ? sshKeysLine(spec.ssh.user, { type: 'ssh-ed25519', key: '<generated-by-cluster-up>' }, `hpcrun-${spec.name}-head`) : undefined;
  const requests = upCalls(spec, headKey).map(wireOf);
  if (json) {
    deps.stdout.write(`${JSON.stringify({ requests }, null, 2)}\n`);
    return;
  }
  deps.stdout.write(`${costLines(spec, catalog).join('\n')}\n`);
  for (const request of requests) deps.stdout.write(`${request.method} ${request.path}\n`);
  deps.stdout.write(`(dry run: nothing was created; --json prints the request bodies)\n`);
}

/** Asks on a terminal; undefined when there is none to ask on. */
export async function confirm(question: string, deps: Deps): Promise<boolean | undefined> {
  if (process.stdin.isTTY !== true || deps.stderr.isTTY !== true) return undefined;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}
