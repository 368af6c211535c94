// hpcrun testbed up|status|down|exec: the local virtual cluster.

import { Command } from 'commander';
import { execa } from 'execa';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import { HpcrunError, usageError } from '../errors.js';
import { statusOf } from '../exec/job.js';
import { requirePositiveInt } from '../core/units.js';
import { FABRIC_ADDRESS, SUBNET } from '../testbed/layout.js';
import { checkCanHost, commandOn, down, status, up } from '../testbed/netns.js';
import { stateDir } from '../testbed/layout.js';
import { count } from '../core/text.js';

const isRoot = () => process.getuid?.() === 0;

/** Parses a link rate as tc writes it: 1gbit, 500mbit, 100kbit, 1Gbit/s. Returns bits per second. */
export function parseRate(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)bit(?:\/s)?\s*$/i.exec(text);
  if (!match) {
    throw usageError('HPCRUN_BAD_RATE', `--bandwidth ${JSON.stringify(text)} is not a link rate`, 'write bits per second as tc does, for example 1gbit, 500mbit or 100kbit');
  }
  const factor = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[(match[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'];
  const bits = Math.round(Number(match[1]) * factor);
  if (bits < 8000) throw usageError('HPCRUN_BAD_RATE', `--bandwidth ${text} is below 8kbit`, 'use at least 8kbit');
  return bits;
}

export interface UpCommandOptions {
  nodes: string;
  bandwidth?: string;
  privateTmp?: boolean;
  json?: boolean;
}

export async function runUp(options: UpCommandOptions, deps: Deps): Promise<void> {
  const nodes = requirePositiveInt(options.nodes, '--nodes', 3);
  const bandwidth = options.bandwidth === undefined ? undefined : parseRate(options.bandwidth);
  await checkCanHost(isRoot());
  const dir = stateDir(deps.env);
  const state = await up({ nodes, bandwidthBitsPerSecond: bandwidth, privateTmp: options.privateTmp === true, dir });
  if (options.json) {
    deps.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
    return;
  }
  const head = state.nodes[0]?.name ?? '';
  deps.stdout.write(
    [
      `testbed up: ${count(state.nodes.length, 'node')} on ${SUBNET}${bandwidth ? `, egress capped at ${options.bandwidth} per node` : ''}${options.privateTmp ? ', private /tmp per node' : ''}`,
      ...state.nodes.map((node) => `  ${node.name.padEnd(12)} ${node.address.padEnd(12)} sshd pid ${node.sshdPid}`),
      `inventory:   ${state.paths.inventory}`,
      `known_hosts: ${state.paths.knownHosts}`,
      `key:         ${state.paths.identity}`,
      `env:         ${state.paths.envFile}`,
      `run on the head node (${head}):`,
      `  hpcrun testbed exec -- hpcrun launch --hosts ${state.paths.inventory} --np ${state.nodes.length * 2} -- hostname`,
      `run from outside the nodes (the login position, ${FABRIC_ADDRESS}):`,
      `  hpcrun testbed exec --on login -- hpcrun launch --head ${head} --hosts ${state.paths.inventory} --np 2 -- hostname`,
      '',
    ].join('\n'),
  );
}

export async function runStatus(options: { json?: boolean }, deps: Deps): Promise<void> {
  const state = await status(stateDir(deps.env));
  if (options.json) {
    deps.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
    return;
  }
  if (state.nodes.length === 0) {
    deps.stdout.write('testbed: down (no hpcrun namespaces)\n');
    return;
  }
  const cap = state.bandwidthBitsPerSecond ? `, egress capped at ${formatRate(state.bandwidthBitsPerSecond)} per node` : ', no bandwidth cap';
  deps.stdout.write(`testbed: ${count(state.nodes.length, 'node')} on ${SUBNET}${cap}${state.privateTmp ? ', private /tmp per node' : ''}\n`);
  for (const node of state.nodes) {
    deps.stdout.write(`  ${node.name.padEnd(12)} ${node.address.padEnd(12)} ${node.sshdPid ? `sshd pid ${node.sshdPid}` : 'sshd NOT RUNNING'}\n`);
  }
  const dead = state.nodes.filter((node) => node.sshdPid === undefined);
  if (dead.length > 0) {
    throw new HpcrunError('preflight', 'HPCRUN_TESTBED_UNHEALTHY', `sshd is not running on ${dead.map((node) => node.name).join(', ')}`, {
      hint: 'run `hpcrun testbed up` to restart it (up repairs what is missing)',
    });
  }
}

/** tc's own units: 1gbit, 500mbit, 100kbit. */
function formatRate(bits: number): string {
  for (const [unit, size] of [['gbit', 1e9], ['mbit', 1e6], ['kbit', 1e3]] as const) if (bits >= size && bits % size === 0) return `${bits / size}${unit}`;
  return `${bits}bit`;
}

export async function runDown(deps: Deps): Promise<void> {
  const removed = await down(stateDir(deps.env));
  deps.stdout.write(removed.length ? `testbed down: removed ${removed.join(', ')}\n` : 'testbed down: nothing to remove\n');
}

export async function runExec(options: { on: string }, argv: string[], deps: Deps, status: ExitStatus): Promise<void> {
  if (argv.length === 0) throw usageError('HPCRUN_NO_PROGRAM', 'no command given to run', 'put the command after --, for example: hpcrun testbed exec -- hostname');
  const full = await commandOn(options.on, argv, stateDir(deps.env), isRoot());
  const [file, ...args] = full;
  const child = execa(file as string, args, { reject: false, stdio: 'inherit' });
  // Forward SIGINT/SIGTERM so the command can stop cleanly, and report its own status.
  const removeHandler = deps.onSignal((signal) => child.kill(signal));
  try {
    const result = await child;
    if (result.signal) deps.stderr.write(`hpcrun: the command was killed by ${result.signal}\n`);
    status.code = statusOf({ exitCode: result.exitCode, signal: result.signal });
  } finally {
    removeHandler();
  }
}

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
    .action((options: UpCommandOptions) => runUp(options, deps));
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
    .action((options: { json?: boolean }) => runStatus(options, deps));
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
    .action(() => runDown(deps));
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
    .action((argv: string[], options: { on: string }) => runExec(options, argv, deps, status));
  program.addCommand(testbed);
}
