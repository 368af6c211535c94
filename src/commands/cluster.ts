// hpcrun cluster up|down|list|status|repair: Compute Engine clusters in one
// command. The REST calls, journal and teardown live in src/providers/gce/
// (loaded only when a cluster command runs: the cloud client is heavy); what
// to create, its cost and the node states are pure, in src/core/gce/.

import { Command, Option } from 'commander';
import type { ExitStatus } from '../cli.js';
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

async function up(options: UpOptions, deps: Deps): Promise<number> {
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

async function down(name: string, options: { project?: string; zone?: string; json?: boolean }, deps: Deps): Promise<number> {
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

async function status(name: string, options: { json?: boolean }, deps: Deps): Promise<number> {
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

async function list(options: { json?: boolean }, deps: Deps): Promise<number> {
  const { listRows, listStates, renderList } = await import('../providers/gce/manage.js');
  const states = await listStates(deps.env);
  const rows = states.length === 0 ? [] : await withSession(deps, (session) => listRows(states, session.api, deps.now()));
  deps.stdout.write(options.json ? `${JSON.stringify({ clusters: rows }, null, 2)}\n` : renderList(rows));
  return 0;
}

async function repair(name: string, options: { json?: boolean }, deps: Deps): Promise<number> {
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

const UP_HELP = `
Before creating anything, up prints nodes × price per hour and the cost over
the TTL (catalog prices), and asks on a terminal; elsewhere it needs --yes.
Placement: one COLLOCATED compact placement policy per group of at most 22 /
150 / 1,500 VMs (maxDistance 1 / 2 / 3; set only with --max-distance, through
the beta API). VMs: bulkInsert, onHostMaintenance TERMINATE, no automatic
restart, gVNIC, internal addresses only (the --head node has an external one),
labels hpcrun-cluster=NAME. --ttl sets scheduling.maxRunDuration with
instanceTerminationAction DELETE: Compute Engine deletes the VMs even if hpcrun
is gone. Host keys come from each VM's hostkeys/ guest attributes. If anything
fails, up deletes what it created; if it is killed, \`cluster down NAME\` does.

Credentials: Application Default Credentials (gcloud auth application-default
login), or GOOGLE_OAUTH_ACCESS_TOKEN. CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE
points the clients at another endpoint.

Examples:
  hpcrun cluster up --provider gce --project my-proj --zone us-central1-a --machine c2-standard-60 --nodes 4 --spot --ttl 4h
  hpcrun cluster up --provider gce --project my-proj --zone us-central1-a --plan plan/ --tier1 --head --name cfd --yes
  hpcrun cluster up --provider gce --project my-proj --zone us-central1-a --machine c2-standard-60 --nodes 200 --max-distance 2 --dry-run --json`;

export function register(program: Command, deps: Deps, status_: ExitStatus): void {
  const cluster = program.command('cluster').description('Compute Engine clusters: create, inspect, repair and delete VMs in compact placement');
  cluster
    .command('up')
    .description('create a cluster of VMs in compact placement, with verified host keys and a guaranteed teardown')
    .addOption(new Option('--provider <name>', 'where to create the cluster').choices(['gce']).default('gce'))
    .option('--project <id>', 'Google Cloud project ID')
    .option('--zone <zone>', 'zone, e.g. us-central1-a')
    .option('--plan <dir>', 'a plan folder from `hpcrun plan --machine TYPE --out DIR`: its machine, node count and policies')
    .option('--machine <type>', 'machine type from the catalog, e.g. c2-standard-60')
    .option('--nodes <n>', 'number of compute nodes')
    .option('--spot', 'Spot VMs (cheaper; preempted at any time)')
    .option('--tier1', 'Tier_1 networking (needs >= 30 vCPUs)')
    .option('--max-distance <d>', 'compact placement maxDistance 1..3 (beta API); default: not set')
    .option('--image <family>', 'boot image: FAMILY, PROJECT/FAMILY or projects/P/global/images/...; it needs your MPI (default cloud-hpc-image-public/hpc-rocky-linux-8)')
    .option('--name <name>', 'cluster name and label value (default hpcrun-YYYYMMDD-HHMMSS, UTC)')
    .option('--head', 'add a head (login) node with an external address; launch runs mpirun there')
    .option('--ttl <duration>', 'Compute Engine deletes the VMs after this long, e.g. 90m, 4h')
    .option('--network <name>', 'VPC network (default "default")')
    .option('--subnet <name>', 'subnetwork in the zone\'s region')
    .option('--disk-size <gb>', 'boot disk size in GB (default 50)')
    .option('--ssh-user <name>', 'login name for the SSH key (default $USER)')
    .option('--ssh-port <n>', 'the port sshd listens on in the image (default 22)')
    .option('--ssh-key <file>', 'public key to put in instance metadata (default ~/.ssh/id_ed25519.pub, id_ecdsa.pub, id_rsa.pub)')
    .option('--identity <file>', 'its private key, for launch --cluster (default: the .pub path without .pub)')
    .option('--catalog <file>', 'machine types and prices (default placement/gce-catalog.json)')
    .option('--dry-run', 'create nothing; print the cost and the REST calls up would make')
    .option('--json', 'print JSON (with --dry-run: {"requests": [{method, path, body}, ...]})')
    .option('--yes', 'create without asking')
    .addHelpText('after', UP_HELP)
    .action(async (options: UpOptions) => {
      status_.code = await up(options, deps);
    });
  cluster
    .command('down')
    .description('delete every VM and placement policy of a cluster, also after an up that crashed; idempotent')
    .argument('<name>', 'cluster name')
    .option('--project <id>', 'with --zone: delete VMs labelled hpcrun-cluster=NAME even without a cluster folder')
    .option('--zone <zone>', 'see --project')
    .option('--json', 'print what was deleted as JSON')
    .addHelpText('after', `
Deletes every VM labelled hpcrun-cluster=NAME or recorded in the cluster folder
(cluster.json and the journal up writes before each create), then the placement
policies, and waits for every operation. Safe to run again.

Examples:
  hpcrun cluster down demo
  hpcrun cluster down demo --project my-proj --zone us-central1-a     (the folder is lost)`)
    .action(async (name: string, options: { project?: string; zone?: string; json?: boolean }) => {
      status_.code = await down(name, options, deps);
    });
  cluster
    .command('list')
    .description('list clusters with their running and lost (preempted) nodes')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  hpcrun cluster list\n  hpcrun cluster list --json')
    .action(async (options: { json?: boolean }) => {
      status_.code = await list(options, deps);
    });
  cluster
    .command('status')
    .description('show every node of a cluster and its state; exits 68 when nodes are lost (preempted Spot VMs)')
    .argument('<name>', 'cluster name')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  hpcrun cluster status demo\n  hpcrun cluster status demo || hpcrun cluster repair demo')
    .action(async (name: string, options: { json?: boolean }) => {
      status_.code = await status(name, options, deps);
    });
  cluster
    .command('repair')
    .description('recreate preempted or missing nodes in the same placement policy and rewrite the inventory')
    .argument('<name>', 'cluster name')
    .option('--json', 'print JSON')
    .addHelpText('after', `
Recreates lost nodes under the same names, in the same placement policy, for
what is left of the TTL, then reads every VM's host keys again and rewrites
hostfile, known_hosts and cluster.json (and the head's known_hosts). A failed
create is reported, not retried.

Examples:
  hpcrun cluster repair demo`)
    .action(async (name: string, options: { json?: boolean }) => {
      status_.code = await repair(name, options, deps);
    });
  for (const sub of cluster.commands) {
    sub.exitOverride().configureOutput({ writeOut: (text) => deps.stdout.write(text), writeErr: (text) => deps.stderr.write(text) });
  }
}
