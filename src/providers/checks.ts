// Checks every provider makes of the nodes it found: one MPI everywhere (and
// where the launcher runs), and the one-line preflight summary.

import { HpcrunError } from '../errors.js';
import { type ProbeResult, type ProgramCheck, parseProbe, probeArgv } from '../core/probe.js';
import { runCommand } from '../exec/run.js';
import { count } from '../core/text.js';

export interface NodeReport {
  host: string;
  probe: ProbeResult;
}

export const PROBE_TIMEOUT_MS = 20_000;

/** Every host must have the same MPI flavour and version. */
export function checkSameMpi(reports: readonly NodeReport[]): void {
  const missing = reports.filter((report) => !report.probe.mpi);
  if (missing.length > 0) {
    const detail = missing.map((report) => `${report.host}${report.probe.mpirunPath ? ` (mpirun at ${report.probe.mpirunPath} printed ${JSON.stringify(report.probe.mpiText.split('\n')[0])})` : ' (no mpirun on PATH)'}`);
    throw new HpcrunError('preflight', 'HPCRUN_MPI_MISSING', `no usable MPI on ${detail.join(', ')}`, {
      hint: 'install the same MPI on every node (Debian: apt-get install openmpi-bin) and make sure mpirun is on the PATH of non-interactive SSH sessions',
    });
  }
  const groups = new Map<string, string[]>();
  for (const report of reports) {
    const key = `${report.probe.mpi?.flavour} ${report.probe.mpi?.version}`;
    groups.set(key, [...(groups.get(key) ?? []), report.host]);
  }
  if (groups.size > 1) {
    const detail = [...groups.entries()].map(([mpi, hosts]) => `${mpi} on ${hosts.join(', ')}`).join('; ');
    throw new HpcrunError('preflight', 'HPCRUN_MPI_MISMATCH', `the hosts run different MPIs: ${detail}`, {
      hint: 'install one MPI version on every node, or remove the odd hosts from the inventory',
    });
  }
}

/** The same probe on this machine, where mpirun will run (and, with `program`, whether that is found from its folder). */
export async function probeHere(env: Readonly<Record<string, string | undefined>>, program?: ProgramCheck): Promise<NodeReport> {
  const result = await runCommand(probeArgv(program), { env, extendEnv: false, timeoutMs: PROBE_TIMEOUT_MS });
  return { host: 'localhost (where mpirun runs)', probe: parseProbe(result.stdout, 'localhost') };
}


/** The program must exist on every node; the nodes that lack it are named. */
export function checkProgram(reports: readonly NodeReport[], program: string): void {
  const lacking = reports.filter((report) => report.probe.program === '');
  if (lacking.length > 0) {
    throw new HpcrunError('preflight', 'HPCRUN_PROGRAM_MISSING', `${program} was not found on ${lacking.map((report) => report.host).join(', ')}`, {
      hint: program.includes('/')
        ? 'the nodes do not share this folder: copy the program there, use a shared filesystem, or (ssh) pass --bcast to copy it for the job'
        : 'install it on every node, or give its path',
    });
  }
}

export function summarise(reports: readonly NodeReport[], ms: number, how = 'preflight'): string {
  const mpi = reports[0]?.probe.mpi;
  const cores = [...new Set(reports.map((report) => report.probe.physicalCores))].join('/');
  const mem = Math.min(...reports.map((report) => report.probe.memAvailableBytes ?? 0)) / 1024 ** 3;
  return `${how}: ${count(reports.length, 'host')} ok in ${(ms / 1000).toFixed(1)} s: ${mpi?.flavour} ${mpi?.version}, ${cores} physical ${cores === '1' ? 'core' : 'cores'}, ≥ ${mem.toFixed(1)} GiB free ${reports.length === 1 ? '' : 'each'}`.trimEnd() + '\n';
}
