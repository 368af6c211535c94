// hpcrun testbed up|status|down|exec: the local virtual cluster.

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

