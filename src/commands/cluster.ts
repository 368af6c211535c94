// hpcrun cluster up|down|list|status|repair: Compute Engine clusters in one
// command. The REST calls, journal and teardown live in src/providers/gce/
// (loaded only when a cluster command runs: the cloud client is heavy); what
// to create, its cost and the node states are pure, in src/core/gce/.

import type { Deps } from '../deps.js';
import { HpcrunError, usageError } from '../errors.js';
import { renderStatus } from '../core/gce/index.js';
import { type UpOptions, confirm, costLines, printDryRun, upSpec } from './cluster-up.js';

type Session = Awaited<ReturnType<typeof import('../providers/gce/session.js').openSession>>;

/** Opens a Compute Engine session with Ctrl-C wired to its signal, runs `work`, and always closes it. */
async function withSession<T>(deps: Deps, work: (session: Session) => Promise<T>): Promise<T> {
  const { openSession } = await import('../providers/gce/session.js');
  const controller = new AbortController();
  const removeHandler = deps.onSignal((signal) => controller.abort(signal));
  const session = await openSession(deps, controller.signal);
  try {
    return await work(session);
  } finally {
    removeHandler();
    await session.close();
  }
}

export async function up(options: UpOptions, deps: Deps): Promise<number> {
  const { spec, catalog } = await upSpec(options, deps);
  if (options.dryRun) {
    printDryRun(spec, catalog, options.json === true, deps);
    return 0;
  }
  const { clusterState } = await import('../providers/gce/manage.js');
  const state = await clusterState(spec.name, deps.env);
  if (state.state === 'up' || state.state === 'incomplete') {
    throw usageError('HPCRUN_CLUSTER_EXISTS', `a cluster named ${spec.name} exists already (${state.dir})`, `choose another --name, or run \`hpcrun cluster down ${spec.name}\` first`);
  }
  return withSession(deps, async (session) => {
    deps.stderr.write(`${costLines(spec, catalog).join('\n')}\n`);
    const what = `create ${spec.nodes.length + (spec.head ? 1 : 0)} VM(s) and ${spec.groups.length} placement polic${spec.groups.length === 1 ? 'y' : 'ies'} in ${spec.project}/${spec.zone}?`;
    const answer = options.yes ? true : await confirm(what, deps);
    if (answer === undefined) throw usageError('HPCRUN_CONFIRM_NEEDED', 'cluster up creates billable VMs and asks first, but there is no terminal to ask on', 'pass --yes to confirm (the cost is printed above)');
    if (!answer) throw new HpcrunError('interrupted', 'HPCRUN_DECLINED', 'nothing was created', { exitCode: 130 });
    const { ensureClusterDir } = await import('../providers/gce/store.js');
    const { up: create } = await import('../providers/gce/up.js');
    await ensureClusterDir(state.dir);
    const cluster = await create(spec, state.dir, session);
    if (options.json) {
      deps.stdout.write(`${JSON.stringify({ dir: state.dir, cluster }, null, 2)}\n`);
    } else {
      const ttl = cluster.expiresAt ? `; Compute Engine deletes it at ${cluster.expiresAt}` : '; no TTL: it runs until `hpcrun cluster down`';
      deps.stdout.write(`cluster ${cluster.name} is up: ${cluster.nodes.length} × ${cluster.machine.name}${cluster.head ? ` + head ${cluster.head.externalIp}` : ''}${ttl}\n`);
      deps.stdout.write(`  folder: ${state.dir} (hostfile, known_hosts, cluster.json)\n  run:    hpcrun launch --cluster ${cluster.name} -- ./app\n  end:    hpcrun cluster down ${cluster.name}\n`);
    }
    return 0;
  });
}

export async function down(name: string, options: { project?: string; zone?: string; json?: boolean }, deps: Deps): Promise<number> {
  const { clusterState, downCluster, teardownTarget } = await import('../providers/gce/manage.js');
  const state = await clusterState(name, deps.env);
  const target = teardownTarget(state, options, deps.env);
  return withSession(deps, async (session) => {
    const result = await downCluster(state, target, session);
    if (options.json) deps.stdout.write(`${JSON.stringify({ cluster: name, deleted: result }, null, 2)}\n`);
    else deps.stdout.write(result.instances.length + result.policies.length === 0 ? `cluster ${name}: nothing left to delete\n` : `cluster ${name} is down: deleted ${result.instances.length} VM(s) and ${result.policies.length} placement polic${result.policies.length === 1 ? 'y' : 'ies'}; nothing is left\n`);
    return 0;
  });
}

export async function status(name: string, options: { json?: boolean }, deps: Deps): Promise<number> {
  const { clusterState, requireComplete, statusOf } = await import('../providers/gce/manage.js');
  const cluster = requireComplete(await clusterState(name, deps.env), deps.env);
  return withSession(deps, async (session) => {
    const report = await statusOf(cluster, session.api, deps.now());
    deps.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(cluster, report, deps.now()));
    if (report.lost.length > 0 || report.expired) {
      throw new HpcrunError('preflight', 'HPCRUN_CLUSTER_DEGRADED', report.expired ? `${name} has expired` : `${report.lost.length} VM(s) of ${name} are lost: ${report.lost.map((node) => `${node.name} (${node.state})`).join(', ')}`, {
        hint: report.expired ? `run \`hpcrun cluster down ${name}\`` : `run \`hpcrun cluster repair ${name}\` to recreate them in the same placement`,
      });
    }
    return 0;
  });
}

export async function list(options: { json?: boolean }, deps: Deps): Promise<number> {
  const { listRows, listStates, renderList } = await import('../providers/gce/manage.js');
  const states = await listStates(deps.env);
  const rows = states.length === 0 ? [] : await withSession(deps, (session) => listRows(states, session.api, deps.now()));
  deps.stdout.write(options.json ? `${JSON.stringify({ clusters: rows }, null, 2)}\n` : renderList(rows));
  return 0;
}

export async function repair(name: string, options: { json?: boolean }, deps: Deps): Promise<number> {
  const { clusterState, requireComplete } = await import('../providers/gce/manage.js');
  const { repair: recreate } = await import('../providers/gce/repair.js');
  const state = await clusterState(name, deps.env);
  const cluster = requireComplete(state, deps.env);
  return withSession(deps, async (session) => {
    const result = await recreate(cluster, state.dir, deps.now(), session);
    if (options.json) deps.stdout.write(`${JSON.stringify({ cluster: name, recreated: result.recreated }, null, 2)}\n`);
    else deps.stdout.write(result.recreated.length === 0 ? `cluster ${name}: every VM is running; nothing to repair\n` : `cluster ${name}: recreated ${result.recreated.join(', ')}; inventory and known_hosts rewritten\n`);
    return 0;
  });
}


