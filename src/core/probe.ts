// What preflight asks each node, and how its answer is read. Pure.

import { inputError } from '../errors.js';
import { type MpiInfo, parseMpiVersion } from './launchers/index.js';

/**
 * A fixed POSIX sh script (no user input in it) that reports the host's name,
 * logical CPUs, physical cores, available memory and its MPI. Physical cores
 * are distinct (core, socket) pairs from lscpu, since hpcrun places one rank
 * per physical core (SMT off). Given a program and a folder as $1 and $2, it
 * also says where the program resolves from that folder (else $HOME), as the
 * launcher will start it there.
 */
export const PROBE_SCRIPT = [
  'echo "hostname=$(hostname)"',
  'echo "cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null)"',
  `echo "cores=$(lscpu -p=CORE,SOCKET 2>/dev/null | grep -v '^#' | sort -u | wc -l)"`,
  `echo "memavail_kib=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null)"`,
  'if command -v mpirun >/dev/null 2>&1; then echo "mpirun=$(command -v mpirun)"; mpirun --version 2>&1 | head -n 4 | sed "s/^/mpi: /"; else echo "mpirun="; fi',
  'if [ "$#" -ge 1 ]; then',
  '  { [ -n "$2" ] && cd -- "$2" 2>/dev/null; } || cd 2>/dev/null',
  '  case "$1" in',
  '    */*) if [ -f "$1" ] && [ -x "$1" ]; then echo "program=$1"; else echo "program="; fi ;;',
  '    *) echo "program=$(command -v -- "$1" 2>/dev/null)" ;;',
  '  esac',
  'fi',
].join('\n');

/** A program preflight looks for on every node, from the folder the launcher starts it in. */
export interface ProgramCheck {
  name: string;
  /** The working folder ranks start in; undefined means the login folder ($HOME). */
  dir: string | undefined;
}

/** The probe as argv: the fixed script, with the program (if any) as positional words, never as script text. */
export function probeArgv(program?: ProgramCheck): string[] {
  return ['sh', '-c', PROBE_SCRIPT, 'hpcrun-probe', ...(program ? [program.name, program.dir ?? ''] : [])];
}

export interface ProbeResult {
  hostname: string;
  cpus: number | undefined;
  physicalCores: number | undefined;
  memAvailableBytes: number | undefined;
  mpirunPath: string | undefined;
  mpi: MpiInfo | undefined;
  /** The raw `mpirun --version` text, for messages when the flavour is unknown. */
  mpiText: string;
  /** Where the checked program resolves ('' when it was not found); undefined when none was checked. */
  program: string | undefined;
}

const positive = (text: string | undefined): number | undefined => {
  const value = Number(text);
  return text !== undefined && text !== '' && Number.isFinite(value) && value > 0 ? value : undefined;
};

export function parseProbe(text: string, host: string): ProbeResult {
  const fields = new Map<string, string>();
  const mpiLines: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('mpi: ')) mpiLines.push(line.slice(5));
    else {
      const eq = line.indexOf('=');
      if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1).trim());
    }
  }
  const hostname = fields.get('hostname');
  if (!hostname) throw inputError('HPCRUN_PROBE_UNREADABLE', `${host}: the node's preflight answer could not be read: ${JSON.stringify(text.slice(0, 200))}`, 'check that the login shell on the node is a POSIX shell and prints nothing itself');
  const mpiText = mpiLines.join('\n');
  const kib = positive(fields.get('memavail_kib'));
  return {
    hostname,
    cpus: positive(fields.get('cpus')),
    physicalCores: positive(fields.get('cores')) ?? positive(fields.get('cpus')),
    memAvailableBytes: kib === undefined ? undefined : kib * 1024,
    mpirunPath: fields.get('mpirun') || undefined,
    mpi: parseMpiVersion(mpiText),
    mpiText,
    program: fields.get('program'),
  };
}
