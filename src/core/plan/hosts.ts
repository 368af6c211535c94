// Open MPI hostfile syntax, as given to --hosts: one host per line, optional
// `slots=N` and `max_slots=N` (or `max-slots=N`), `#` comments, blank lines.

import { inputError, type HpcrunError } from '../../errors.js';
import type { HostEntry } from './types.js';

export function parseHostfile(text: string, label = 'hosts file'): HostEntry[] {
  const hosts: HostEntry[] = [];
  const seen = new Set<string>();
  const fail = (line: number, message: string): HpcrunError =>
    inputError('HPCRUN_BAD_HOSTFILE', `${label} line ${line}: ${message}`, 'write one host per line: `name [slots=N]`, as in an Open MPI hostfile');
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.replace(/#.*/, '').trim();
    if (line === '') return;
    const [name, ...rest] = line.split(/\s+/);
    if (name === undefined || !/^[A-Za-z0-9_.:-]+$/.test(name) || name.includes('=')) throw fail(index + 1, `${JSON.stringify(name)} is not a host name`);
    let slots: number | undefined;
    for (const field of rest) {
      const m = /^(slots|max_slots|max-slots)=(\d+)$/.exec(field);
      if (!m) throw fail(index + 1, `unknown field ${JSON.stringify(field)}`);
      const n = Number(m[2]);
      if (n < 1) throw fail(index + 1, `${m[1]} must be at least 1`);
      if (m[1] === 'slots') slots = n;
    }
    if (seen.has(name)) throw fail(index + 1, `host ${name} is listed twice`);
    seen.add(name);
    hosts.push({ name, slots });
  });
  if (hosts.length === 0) throw inputError('HPCRUN_BAD_HOSTFILE', `${label} lists no hosts`);
  return hosts;
}
