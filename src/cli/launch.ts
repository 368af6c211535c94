// `hpcrun launch`'s flags, help and examples. The command's module loads only
// when it runs, so `hpcrun --help` and other commands never pay for it.

import { Command, Option } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import type { LaunchOptions } from '../commands/launch.js';

const load = () => import('../commands/launch.js');

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  program
    .command('launch')
    .description('check the nodes, then run an MPI program across them with mpirun or srun')
    .option('--hosts <file>', 'inventory in Open MPI hostfile syntax (host [slots=N])')
    .option('--slurm', 'take the nodes from the Slurm allocation hpcrun runs in (default when SLURM_JOB_ID is set and --hosts is not)')
    .addOption(new Option('--launcher <name>', 'inside Slurm: srun (default) or the MPI\'s own mpirun').choices(['srun', 'mpirun']))
    .option('--plan <dir>', 'run a plan made by `hpcrun plan --hosts FILE --out DIR`: its rankfile fixes every rank\'s host')
    .option('--cluster <name>', 'the nodes of a cluster made by `hpcrun cluster up` (its inventory, verified host keys and head node); with --plan, the plan\'s node i is the cluster\'s node i')
    .option('--np <n>', 'number of MPI ranks (default: every slot, or every task of the Slurm allocation)')
    .option('--ppn <k>', 'ranks per node (default: fill each host\'s slots in order)')
    .option('--head <host>', 'run mpirun on this host over SSH instead of here')
    .option('--dry-run', 'print the mpirun argv and hostfile; contact no host and run nothing')
    .option('--bcast', 'copy the program to a per-job folder on every node and run that copy there (for nodes that share no filesystem, as srun --bcast)')
    .option('--stage <file>', 'copy this file into the job\'s folder on every node too (repeatable); ranks start in that folder', (value: string, previous: string[] = []) => [...previous, value])
    .option('--timeout <duration>', 'stop the job after this long, e.g. 90s, 30m, 2h, 1h30m, 3d (at most 365d)')
    .option('--persist <duration>', 'keep the SSH logins open this long after the launch (as ssh ControlPersist), and use kept ones: the next launch skips every handshake (default: HPCRUN_SSH_PERSIST, else off); `hpcrun connections` lists and stops them')
    .option('--identity <file>', 'SSH private key (default: ssh-agent, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa)')
    .option('--user <name>', 'SSH user (default: the current user)')
    .option('--port <n>', 'SSH port (default 22)')
    .option('--known-hosts <file>', 'known_hosts file (default ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts)')
    .option('--accept-new-host-keys', 'trust and record host keys not yet in known_hosts (changed keys are still refused)')
    .addOption(new Option('--mpi <flavour>', 'MPI flavour (default: detected on the nodes)').choices(['openmpi', 'mpich', 'intelmpi']))
    .argument('<program...>', 'the program and its arguments, after --')
    .passThroughOptions()
    .addHelpText(
      'after',
      `
The exit status is the program's; a program killed by a signal gives 128+N.
Before anything runs, every host is reached over SSH (5 s connect timeout), its
host key checked against known_hosts, and its MPI, cores and memory compared.

Examples:
  hpcrun launch --hosts hosts.txt --np 64 -- ./cfd --case wing
  hpcrun launch --hosts hosts.txt --np 8 --ppn 4 --timeout 2h -- ./wrf.exe
  hpcrun launch --head login01 --hosts hosts.txt --np 128 -- ./solver input.nml
  hpcrun launch --hosts hosts.txt --np 4 --dry-run -- ./a.out
  hpcrun launch --hosts hosts.txt --persist 10m -- ./a.out    (the next launch within 10 min skips the SSH handshakes)
  hpcrun launch --hosts vms.txt --np 32 --bcast --stage input.nml -- ./solver input.nml
  salloc -N 4 --ntasks-per-node 16 hpcrun launch -- ./app          (srun --mpi=pmix, 64 ranks)
  salloc -N 2 hpcrun launch --launcher mpirun --np 8 -- ./app
  hpcrun plan --grid 8x8x8 --cores-per-node 64 --hosts hosts.txt --out plan/ && hpcrun launch --plan plan/ -- ./stencil
  hpcrun launch --cluster demo --np 90 -- ./solver                (a cluster from \`hpcrun cluster up\`)`,
    )
    .action(async (argv: string[], options: LaunchOptions) => {
      status.code = await (await load()).run(options, argv, deps);
    });
}
