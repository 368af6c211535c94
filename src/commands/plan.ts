// `hpcrun plan`: read the job (flags or job file), the catalog and --hosts;
// plan (pure core); render; write the plan directory atomically.

import { mkdir, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { readInput } from '../io/read-input.js';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Deps } from '../deps.js';
import { HpcrunError, inputError, usageError } from '../errors.js';
import { catalogError, customShape, findShape, toNodeShape, validateCatalog, type Catalog } from '../core/catalog/catalog.js';
import { fieldErrors, parseHostfile, planJob, rankedBy, recommend, validateJob, type HostEntry, type Plan, type PlanRequest } from '../core/plan/index.js';
import { renderPlanFiles, renderPlanJson, renderRecommendations, renderSummary } from '../core/render/index.js';
import { checkRecommendOnly, readRecommendInputs, type RecommendFlags } from '../io/recommend-inputs.js';

export const DEFAULT_CATALOG = fileURLToPath(new URL('../../placement/gce-catalog.json', import.meta.url));

export interface PlanOptions {
  jobFile?: string;
  /** Raw flag values keyed by job field (ranks, grid, memPerRank, ...). */
  flags: Record<string, unknown>;
  json?: boolean;
  recommend?: boolean;
  /** --model, --steps, --compute-us, --objective: only with --recommend (io/recommend-inputs.ts). */
  predict?: RecommendFlags;
}


const readText = (path: string, what: string): Promise<string> => readInput(path, `${what} ${path}`, 'HPCRUN_FILE_NOT_FOUND');

async function readJson(path: string, what: string): Promise<unknown> {
  const text = await readText(path, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw inputError('HPCRUN_BAD_JSON', `${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * What --recommend cannot honour: it plans every catalog shape itself (so no
 * --machine, --cores-per-node, --mem-per-node or --nodes), uses no real hosts
 * and writes no plan folder. Given as flags they are refused; in a job file
 * they are reported as unused.
 */
const RECOMMEND_CONFLICTS: readonly (readonly [field: string, flag: string])[] = [
  ['machine', '--machine'],
  ['coresPerNode', '--cores-per-node'],
  ['memPerNode', '--mem-per-node'],
  ['nodes', '--nodes'],
  ['hosts', '--hosts'],
  ['out', '--out'],
];

function checkRecommendFlags(flags: Record<string, unknown>): void {
  const given = RECOMMEND_CONFLICTS.filter(([field]) => flags[field] !== undefined).map(([, flag]) => flag);
  if (given.length > 0) {
    const list = given.length === 1 ? given[0] : `${given.slice(0, -1).join(', ')} and ${given.at(-1)}`;
    throw usageError(
      'HPCRUN_RECOMMEND_CONFLICT',
      `--recommend ranks every catalog shape and writes no plan, so it cannot take ${list}`,
      `drop ${list} to rank the shapes, or drop --recommend to plan on one shape (${given.includes('--out') ? 'then --out writes its files' : 'e.g. --machine c2-standard-60'})`,
    );
  }
}

/** Merges the job file and the flags (flags win) and validates in stages. */
async function readRequest(options: PlanOptions, deps: Deps): Promise<{ request: PlanRequest; warnings: string[]; base: string }> {
  const flags = Object.fromEntries(Object.entries(options.flags).filter(([, v]) => v !== undefined));
  let fileRaw: Record<string, unknown> = {};
  let base = deps.cwd;
  if (options.jobFile !== undefined) {
    const path = resolve(deps.cwd, options.jobFile);
    const data = await readJson(path, 'job file');
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw inputError('HPCRUN_BAD_JOB', `job file ${path} must hold a JSON object`);
    fileRaw = data as Record<string, unknown>;
    const errors = fieldErrors(fileRaw, 'file');
    if (errors.length > 0) throw inputError('HPCRUN_BAD_JOB', `job file ${path}: ${errors.join('; ')}`);
    base = dirname(path);
  }
  const unused = options.recommend ? RECOMMEND_CONFLICTS.filter(([field]) => fileRaw[field] !== undefined).map(([field]) => `"${field}"`) : [];
  if (options.recommend) fileRaw = Object.fromEntries(Object.entries(fileRaw).filter(([field]) => !RECOMMEND_CONFLICTS.some(([f]) => f === field)));
  const result = validateJob({ ...fileRaw, ...flags }, 'flags', { requireShape: options.recommend !== true });
  if (!result.ok) throw usageError('HPCRUN_BAD_JOB', result.errors.join('; '), 'run `hpcrun plan --help` for the options and examples');
  // Paths from the job file are relative to it; paths from flags to the working directory.
  const rel = (key: 'hosts' | 'catalog' | 'out'): string | undefined => {
    const value = result.value[key];
    return value === undefined ? undefined : resolve(flags[key] !== undefined ? deps.cwd : base, value);
  };
  const warnings = [...result.warnings, ...(unused.length > 0 ? [`--recommend does not use the job file's ${unused.join(', ')}: it ranks every catalog shape and writes no plan`] : [])];
  return { request: { ...result.value, hosts: rel('hosts'), catalog: rel('catalog'), out: rel('out') }, warnings, base };
}

async function readCatalog(path: string | undefined): Promise<Catalog> {
  const file = path ?? DEFAULT_CATALOG;
  const checked = validateCatalog(await readJson(file, 'catalog'));
  if (!checked.ok) throw catalogError(checked.errors, file);
  return checked.value;
}

/** Writes every file to a temporary name, then renames; on any failure removes what it wrote. */
async function writePlanDir(dir: string, plan: Plan): Promise<string[]> {
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new HpcrunError('output', 'HPCRUN_OUTPUT', `--out ${dir} exists and is not a directory`);
  const files = renderPlanFiles(plan);
  const temps: string[] = [];
  const done: string[] = [];
  try {
    if (!existing) {
      // The parent recursively, the directory itself not: Node's recursive mkdir can spin on paths like /proc/x.
      await mkdir(dirname(dir), { recursive: true });
      await mkdir(dir);
    }
    for (const f of files) {
      const tmp = join(dir, `.${f.name}.tmp-${process.pid}`);
      temps.push(tmp);
      await writeFile(tmp, f.content, { mode: f.mode });
    }
    for (const [i, f] of files.entries()) {
      await rename(temps[i] as string, join(dir, f.name));
      done.push(join(dir, f.name));
    }
    return done;
  } catch (error) {
    await Promise.all([...temps, ...done].map((p) => unlink(p).catch(() => undefined)));
    if (!existing) await rmdir(dir).catch(() => undefined);
    throw new HpcrunError('output', 'HPCRUN_OUTPUT', `cannot write the plan to ${dir}: ${(error as Error).message}`, { cause: error });
  }
}

export async function run(options: PlanOptions, deps: Deps): Promise<Plan | undefined> {
  if (options.recommend) checkRecommendFlags(options.flags);
  else checkRecommendOnly(options.predict);
  const { request, warnings } = await readRequest(options, deps);
  const catalog = request.machine !== undefined || options.recommend ? await readCatalog(request.catalog) : undefined;
  let hosts: HostEntry[] | undefined;
  if (request.hosts !== undefined) hosts = parseHostfile(await readText(request.hosts, 'hosts file'), request.hosts);

  if (options.recommend) {
    const inputs = await readRecommendInputs(options.predict, request.job.haloBytes, deps);
    const rows = recommend(request.job, (catalog as Catalog).shapes.map(toNodeShape), inputs.options);
    const by = rankedBy(request.job);
    const objective = inputs.options.objective ?? 'cost';
    deps.stdout.write(
      options.json
        ? `${JSON.stringify({ rankedBy: by, objective, steps: inputs.options.predict?.steps ?? null, warnings: [...warnings, ...inputs.warnings], recommendations: rows }, null, 2)}\n`
        : renderRecommendations(rows, by, { objective, steps: inputs.options.predict?.steps, notes: inputs.warnings }),
    );
    if (!options.json) for (const warning of warnings) deps.stderr.write(`hpcrun: warning: ${warning}\n`);
    if (!rows.some((row) => row.fits)) {
      throw new HpcrunError('infeasible', 'HPCRUN_PLAN_INFEASIBLE', `the job fits on none of the ${rows.length} shapes in the catalog (each one's reason is in the ${options.json ? 'JSON' : 'table'} above)`, {
        hint: 'lower --mem-per-rank or --threads-per-rank, or give --catalog FILE with larger shapes',
      });
    }
    return undefined;
  }
  const shape = request.machine !== undefined ? findShape(catalog as Catalog, request.machine) : customShape(request.coresPerNode as number, request.memPerNodeBytes);
  const plan = planJob(request.job, shape, hosts);
  plan.warnings.unshift(...warnings);
  const written = request.out !== undefined ? await writePlanDir(request.out, plan) : [];
  if (options.json) {
    deps.stdout.write(renderPlanJson(plan, { ranks: false }));
  } else {
    deps.stdout.write(renderSummary(plan));
    deps.stdout.write(
      written.length > 0 ? `wrote ${written.length} files to ${request.out}: ${written.map((p) => p.slice(p.lastIndexOf('/') + 1)).join(', ')}\n` : '(add --out DIR to write hostfile, rankfile, machinefile, slurm-hostfile, launch.sh and plan.json)\n',
    );
  }
  return plan;
}

