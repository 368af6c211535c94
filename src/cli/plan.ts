// `hpcrun plan`'s flags, help and examples. The command's module loads only
// when it runs, so `hpcrun --help` and other commands never pay for it.

import type { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';

const load = () => import('../commands/plan.js');

const EXAMPLES = `
Examples:
  $ hpcrun plan --grid 64x64x64 --cores-per-node 64 --json
      4,096 nodes; compact 4x4x4 sub-cubes give 184,320 inter-node edges (block order: 516,096)
  $ hpcrun plan --grid 100x100x100 --machine c2-standard-60 --mem-per-rank 2GiB --out plan/
      writes plan/hostfile, rankfile, machinefile, slurm-hostfile, launch.sh and plan.json
  $ hpcrun plan --ranks 256 --machine n2-standard-64 --hosts hosts.txt --mpi slurm --out plan/
  $ hpcrun plan --grid 512x512 --periodic --halo-bytes 64KiB --recommend
  $ hpcrun plan --grid 64x64x32 --halo-bytes 256KiB --recommend --model c2=c2-model.json --steps 100000 --compute-us 800
      predicted time per step, runtime and cost per run for every shape; Pareto front marked
  $ hpcrun plan job.json --json          (a job file holds the same fields: {"grid": "64x64x64", "machine": "c2-standard-60"})

Policies: compact (grid neighbours share a node: node-sized sub-boxes where they
tile, else recursive coordinate bisection; without a grid, block), block (rank
order, each node filled: mpirun --map-by slot), cyclic (round-robin: --map-by
node), spread (rank order in equal blocks over all nodes).
Capacity per node is min(physical cores / threads, usable memory / --mem-per-rank,
--max-ranks-per-node (default 64 cores' worth)). Physical cores exclude SMT; usable
memory keeps back max(2 GiB, 5%) for the OS. Infeasible requests exit with 67 and
write nothing. Catalog: placement/gce-catalog.json (us-central1; figures carry source
and date); --catalog FILE uses your own shapes in the same schema
(placement/catalog.schema.json).
With --recommend, each shape gets a predicted time per step for a halo exchange
(--grid and --halo-bytes needed) from the model that applies to it (--model
MACHINE=FILE for the machine or its family, else --model FILE, else published
figures: catalog bandwidth and placement/published-latency.json, flagged
"published, not measured"), and with --steps a runtime and a cost per run (on
demand; Spot as a range for 5-15% rework). README: Predict before you pay.`;

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  void status;
  program
    .command('plan')
    .description('plan the placement of MPI ranks onto nodes and write hostfiles for every MPI')
    .argument('[job-file]', 'a JSON job file with the same fields as the flags (ranks, grid, machine, memPerRank, ...)')
    .option('--ranks <n>', 'number of ranks (without a grid: no halo pattern, compact = block)')
    .option('--grid <AxB[xC]>', 'Cartesian process grid, row-major (last dimension fastest)')
    .option('--periodic', 'the grid wraps around in every dimension')
    .option('--threads-per-rank <t>', 'threads (physical cores) per rank (default 1)')
    .option('--mem-per-rank <size>', 'memory per rank, e.g. 512MiB, 2GiB')
    .option('--machine <type>', 'node shape from the catalog, e.g. c2-standard-60')
    .option('--cores-per-node <c>', 'custom node shape: physical cores per node')
    .option('--mem-per-node <size>', 'custom node shape: memory per node')
    .option('--max-ranks-per-node <n>', 'cap ranks per node (default: 64 cores per node)')
    .option('--nodes <n>', 'use exactly this many nodes')
    .option('--hosts <file>', 'real host names, Open MPI hostfile syntax (`host slots=N`)')
    .option('--policy <p>', 'compact | block | cyclic | spread (default compact)')
    .option('--mpi <flavour>', 'openmpi | mpich | intelmpi | slurm (default openmpi)')
    .option('--halo-bytes <size>', 'bytes per halo message, for network traffic figures')
    .option('--spot', 'plan for Spot VMs (prices and a warning)')
    .option('--gce-placement <mode>', 'auto | compact | none: GCE compact placement policies (default auto)')
    .option('--max-distance <d>', 'GCE compact placement maxDistance 1..3 (beta API); default: tightest that fits')
    .option('--catalog <file>', 'node shapes file (default placement/gce-catalog.json)')
    .option('--out <dir>', 'write the plan directory here')
    .option('--json', 'print the plan (or recommendations) as JSON')
    .option('--recommend', 'rank every catalog shape for this job by price (spot with --spot), then network time; exits 67 if none fits')
    .option('--model <[MACHINE=]FILE>', 'with --recommend: a fitted model (`hpcrun model fit`) for every shape, or MACHINE=FILE for one machine type or family; repeatable', (value: string, previous: string[] = []) => [...previous, value])
    .option('--steps <n>', 'with --recommend: steps in the run, for the runtime and the cost per run')
    .option('--compute-us <us>', 'with --recommend: compute time per step, µs (default 0)')
    .option('--objective <o>', 'with --recommend: rank by cost (per run; default) or time (per step)')
    .addHelpText('after', EXAMPLES)
    .action(async (jobFile: string | undefined, opts: Record<string, unknown>) => {
      const { json, recommend: rec, model, steps, computeUs, objective, ...flags } = opts;
      const predict = { model: model as string[] | undefined, steps: steps as string | undefined, computeUs: computeUs as string | undefined, objective: objective as string | undefined };
      await (await load()).run({ jobFile, flags, json: json === true, recommend: rec === true, predict }, deps);
    });
}
