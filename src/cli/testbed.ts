// `hpcrun testbed`'s flags, help and examples. The command's module loads only
// when it runs, so `hpcrun --help` and other commands never pay for it.

import { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import type { UpCommandOptions } from '../commands/testbed.js';
import { SUBNET } from '../testbed/layout.js';

const load = () => import('../commands/testbed.js');

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  const testbed = new Command('testbed').enablePositionalOptions().description('a local virtual cluster: one network namespace, hostname and sshd per node');
  testbed.addHelpText(
    'after',
    `
The nodes are network namespaces hpcrun-n1..N on ${SUBNET}, joined by a bridge in
the namespace hpcrun-fabric; the host has no route to them. Needs root.

Examples:
  hpcrun testbed up --nodes 3
  hpcrun testbed up --nodes 2 --bandwidth 1gbit
  hpcrun testbed exec -- hpcrun launch --hosts /run/hpcrun-testbed/hostfile --np 6 -- hostname
  hpcrun testbed status
  hpcrun testbed down`,
  );
  testbed
    .command('up')
    .description('create or repair the cluster (idempotent)')
    .requiredOption('--nodes <n>', 'number of nodes', '3')
    .option('--bandwidth <rate>', 'cap each node egress with tc tbf, e.g. 1gbit')
    .option('--private-tmp', 'give each node its own /tmp and kernel cache, so that nodes share no scratch files (as cloud VMs)')
    .option('--json', 'print the state as JSON')
    .addHelpText(
      'after',
      `
Needs root and ip netns (exit 69 without them). Run it again to repair a dead
sshd or a removed namespace, or to add or remove nodes.

Examples:
  hpcrun testbed up
  hpcrun testbed up --nodes 4
  hpcrun testbed up --nodes 2 --bandwidth 1gbit
  hpcrun testbed up --json`,
    )
    .action(async (options: UpCommandOptions) => (await load()).runUp(options, deps));
  testbed
    .command('status')
    .description('list nodes and whether their sshd runs')
    .option('--json', 'print the state as JSON')
    .addHelpText(
      'after',
      `
Examples:
  hpcrun testbed status
  hpcrun testbed status --json`,
    )
    .action(async (options: { json?: boolean }) => (await load()).runStatus(options, deps));
  testbed
    .command('down')
    .description('remove every namespace, process and file of the cluster')
    .addHelpText(
      'after',
      `
Works after a crash too. Refuses to delete a state folder holding files that
\`up\` did not write.

Examples:
  hpcrun testbed down
  HPCRUN_TESTBED_DIR=/run/my-testbed hpcrun testbed down`,
    )
    .action(async () => (await load()).runDown(deps));
  testbed
    .command('exec')
    .description('run a command on a node (default: the head node) with the cluster environment')
    .option('--on <node>', 'hpcrun-nK, K, or "login" for the fabric namespace outside the nodes', 'hpcrun-n1')
    .argument('<command...>', 'the command and its arguments, after --')
    .passThroughOptions()
    .addHelpText(
      'after',
      `
The exit status is the command's (128+N if a signal killed it). The command
gets the cluster's Open MPI settings, HPCRUN_SSH_IDENTITY and
HPCRUN_SSH_KNOWN_HOSTS.

Examples:
  hpcrun testbed exec -- hostname
  hpcrun testbed exec --on 2 -- ip -brief address
  hpcrun testbed exec -- hpcrun launch --hosts /run/hpcrun-testbed/hostfile --np 6 -- hostname
  hpcrun testbed exec -- hpcrun bench --hosts /run/hpcrun-testbed/hostfile --kind latency
  hpcrun testbed exec --on login -- hpcrun launch --head hpcrun-n1 --hosts /run/hpcrun-testbed/hostfile --np 2 -- hostname`,
    )
    .action(async (argv: string[], options: { on: string }) => (await load()).runExec(options, argv, deps, status));
  program.addCommand(testbed);
}
