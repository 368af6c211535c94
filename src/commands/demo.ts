// hpcrun demo: the main job on the embedded default. Brings up a 3-node
// virtual cluster, launches an MPI program that prints each rank's host
// across it from the head node, and tears the cluster down. Where network
// namespaces cannot be made, it runs the same program on localhost.

import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import type { Deps } from '../deps.js';
import { HpcrunError, isHpcrunError } from '../errors.js';
import { ensureKernel } from '../kernels/index.js';
import { runLocalJob, statusOf } from '../exec/job.js';
import { stateDir, testbedPaths } from '../testbed/layout.js';
import { checkCanHost, commandOn, down, status, up } from '../testbed/netns.js';

const NODES = 3;
const RANKS_PER_NODE = 2;
const PROGRAM_DIR = fileURLToPath(new URL('../../mpi-templates/programs/rankhost/', import.meta.url));
const HPCRUN_BIN = fileURLToPath(new URL('../bin.js', import.meta.url));

async function buildProgram(deps: Deps): Promise<string> {
  const build = await ensureKernel({ env: deps.env, sourceDir: PROGRAM_DIR });
  return build.path;
}

async function onTestbed(program: string, deps: Deps): Promise<number> {
  const dir = stateDir(deps.env);
  const isRoot = process.getuid?.() === 0;
  // Ctrl-C must not skip the teardown: the job gets the signal, and we wait.
  let child: ReturnType<typeof execa> | undefined;
  const removeHandler = deps.onSignal((signal) => child?.kill(signal));
  // A testbed the user already runs is theirs: use it as it is, and leave it up.
  const running = await status(dir);
  const reuse = running.nodes.length > 0;
  if (reuse && (running.nodes.length < NODES || running.nodes.some((node) => node.sshdPid === undefined))) {
    throw new HpcrunError('usage', 'HPCRUN_TESTBED_IN_USE', `a testbed is already up with ${running.nodes.length} node(s), not ${NODES} healthy ones, so the demo will not change it`, {
      hint: `repair or grow it with \`hpcrun testbed up --nodes ${NODES}\`, or take it down with \`hpcrun testbed down\``,
    });
  }
  deps.stderr.write(reuse ? `demo: using the virtual cluster that is already up (${running.nodes.length} nodes); it stays up\n` : `demo: bringing up a ${NODES}-node virtual cluster\n`);
  try {
    if (!reuse) await up({ nodes: NODES, dir });
    const launch = [process.execPath, HPCRUN_BIN, 'launch', '--hosts', testbedPaths(dir).inventory, '--np', String(NODES * RANKS_PER_NODE), '--ppn', String(RANKS_PER_NODE), '--timeout', '2m', '--', program];
    deps.stderr.write(`demo: on the head node hpcrun-n1: hpcrun launch --hosts ${testbedPaths(dir).inventory} --np ${NODES * RANKS_PER_NODE} --ppn ${RANKS_PER_NODE} -- rankhost\n`);
    const [file, ...args] = await commandOn('hpcrun-n1', launch, dir, isRoot);
    child = execa(file as string, args, { reject: false, buffer: false, stdin: 'ignore' });
    child.stdout?.on('data', (chunk: Buffer) => deps.stdout.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => deps.stderr.write(chunk));
    const result = await child;
    return statusOf({ exitCode: result.exitCode, signal: result.signal });
  } finally {
    removeHandler();
    if (!reuse) {
      deps.stderr.write('demo: tearing the virtual cluster down\n');
      await down(dir);
    }
  }
}

async function onLocalhost(program: string, deps: Deps): Promise<number> {
  const env = { ...deps.env, OMPI_MCA_mpi_yield_when_idle: '1', OMPI_MCA_hwloc_base_binding_policy: 'none' };
  if (process.getuid?.() === 0) Object.assign(env, { OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' });
  const end = await runLocalJob({ argv: ['mpirun', '--host', `localhost:${RANKS_PER_NODE}`, '-np', String(RANKS_PER_NODE), program], env, timeoutMs: 120_000 }, deps);
  return statusOf(end);
}

export async function run(options: { local?: boolean }, deps: Deps): Promise<number> {
  const program = await buildProgram(deps);
  if (!options.local) {
    try {
      await checkCanHost(process.getuid?.() === 0);
      return await onTestbed(program, deps);
    } catch (error) {
      if (!isHpcrunError(error) || error.kind !== 'environment' || !/NEEDS_ROOT|NO_NETNS|MISSING_TOOL/.test(error.code)) throw error;
      deps.stderr.write(`demo: no virtual cluster here (${error.message}); running on localhost instead\n`);
    }
  }
  return onLocalhost(program, deps);
}

