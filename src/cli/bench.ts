// `hpcrun bench`'s flags, help and examples. The command's module loads only
// when it runs, so `hpcrun --help` and other commands never pay for it.

import type { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import type { BenchOptions } from '../commands/bench.js';

const load = () => import('../commands/bench.js');

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  program
    .command('bench')
    .description('measure inter-node latency and bandwidth with OSU-style kernels and honest statistics')
    .option('--hosts <file>', 'inventory in Open MPI hostfile syntax (at least two hosts)')
    .option('--cluster <name>', 'measure the nodes of a cluster made by `hpcrun cluster up` (through its head node, if it has one)')
    .option('--slurm', 'measure the nodes of the Slurm allocation hpcrun runs in, with srun (default when SLURM_JOB_ID is set and --hosts is not)')
    .option('--kind <list>', 'comma list of latency, bw, bibw, mbw; or halo (on its own, with --plan and --halo-bytes)', 'latency,bw')
    .option('--sizes <list>', 'message sizes: 8,1KiB,1MiB, or a range 1:4MiB of powers of two (both ends powers of two)', '8,1KiB,64KiB,1MiB')
    .option('--pairs <mode>', 'first (the first two hosts) or all (every pair, round-robin)', 'first')
    .option('--ppn <k>', 'ranks per node; mbw runs k pairs across the link', '1')
    .option('--target-ci <fraction>', 'stop once the 95% CI of the median is within this of it', '5%')
    .option('--max-samples <n>', 'sample cap per kind and size (default: the OSU iteration counts)')
    .option('--plan <dir>', '--kind halo: the plan to run (its grid, hosts and rank placement), from `hpcrun plan --grid ... --hosts FILE --out DIR`')
    .option('--halo-bytes <size>', '--kind halo: bytes each rank sends to each grid neighbour per step, e.g. 64KiB')
    .option('--steps <n>', '--kind halo: timed steps after 10 warm-up steps, run back to back; a sample is the slowest rank\'s mean over 10 of them (default 200, at least 60)')
    .option('--compute-us <us>', '--kind halo: busy-wait this long in each step before the exchange (default 0)')
    .option('--no-bind', '--kind halo: place every rank on its planned host without pinning it to a core (Open MPI: --map-by seq instead of the rankfile); for nodes that share cores, like the testbed\'s')
    .option('--out <path>', 'write PATH.csv and PATH.json; a directory (DIR/) gets DIR/<date>-bench (default results/<date>-bench)')
    .option('--force', 'replace an existing PATH.csv and PATH.json')
    .option('--head <host>', 'run mpirun on this host over SSH (for a laptop outside the cluster network)')
    .option('--skip-unreachable', 'leave out hosts that cannot be reached (listed on stderr and in the result set) and measure the rest')
    .option('--port <n>', 'SSH port (default 22)')
    .option('--json', 'print a JSON summary instead of the table')
    .option('--identity <file>', 'SSH private key for preflight and mpirun')
    .option('--user <name>', 'SSH user')
    .option('--known-hosts <file>', 'known_hosts file')
    .option('--accept-new-host-keys', 'trust and record host keys not yet in known_hosts')
    .addHelpText(
      'after',
      `
Latency is half the round trip in µs; bandwidth is in MB/s (10^6 bytes/s).
Each kind and size stops when the median's nonparametric 95% CI is within
--target-ci, or at the sample cap; warm-up is excluded. Every figure is of all
the samples: Tukey's 1.5×IQR outliers are counted, never dropped. Results are
rewritten after every pair, so Ctrl-C keeps all completed rows (the set is
marked incomplete).

--kind halo runs the halo mini-app (mpi-templates/halo) with the plan's own
placement (rankfile or machinefile) on the plan's hosts (or --hosts/--slurm):
each step every rank exchanges --halo-bytes with each neighbour of the plan's
grid. A step's time is its slowest rank's; the row (kind=halo, unit=us) has the
median time per step with its 95% CI. A plan without a grid exits 65.

Examples:
  hpcrun bench --hosts hosts.txt
  hpcrun bench --hosts hosts.txt --kind latency --sizes 8 --pairs all --skip-unreachable
  hpcrun bench --head login01 --hosts hosts.txt --kind latency,bw
  hpcrun bench --hosts hosts.txt --kind bw,bibw --sizes 1:4MiB --out results/ib-bw
  hpcrun bench --hosts hosts.txt --kind mbw --ppn 4 --sizes 8,64KiB --json
  hpcrun bench --kind halo --plan plan/ --halo-bytes 256KiB --steps 200
  hpcrun bench --kind halo --plan plan/ --halo-bytes 1MiB --compute-us 2000 --out results/halo-1m
  salloc -N 2 hpcrun bench --kind latency,bw                       (inside Slurm: srun)`,
    )
    .action(async (options: BenchOptions) => {
      status.code = await (await load()).run(options, deps);
    });
}
