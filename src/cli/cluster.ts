// `hpcrun cluster`'s flags, help and examples. The command's module (and the
// Compute Engine client) loads only when a cluster subcommand runs.

import { Command, Option } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import type { UpOptions } from '../commands/cluster-up.js';

const load = () => import('../commands/cluster.js');

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
  cluster.addHelpText(
    'after',
    `
Examples:
  hpcrun cluster up --provider gce --project my-proj --zone us-central1-a --machine c2-standard-60 --nodes 4 --spot --ttl 4h --name cfd
  hpcrun launch --cluster cfd --np 120 -- ./solver
  hpcrun cluster status cfd
  hpcrun cluster down cfd`,
  );
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
      status_.code = await (await load()).up(options, deps);
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
      status_.code = await (await load()).down(name, options, deps);
    });
  cluster
    .command('list')
    .description('list clusters with their running and lost (preempted) nodes')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  hpcrun cluster list\n  hpcrun cluster list --json')
    .action(async (options: { json?: boolean }) => {
      status_.code = await (await load()).list(options, deps);
    });
  cluster
    .command('status')
    .description('show every node of a cluster and its state; exits 68 when nodes are lost (preempted Spot VMs)')
    .argument('<name>', 'cluster name')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  hpcrun cluster status demo\n  hpcrun cluster status demo || hpcrun cluster repair demo')
    .action(async (name: string, options: { json?: boolean }) => {
      status_.code = await (await load()).status(name, options, deps);
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
      status_.code = await (await load()).repair(name, options, deps);
    });
}
