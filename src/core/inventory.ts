// Reads an inventory in Open MPI hostfile syntax. Pure.
//
//   # comment
//   node01                 one host, slots from its core count
//   node02 slots=16        16 slots
//   node03 slots=8 max_slots=8
//
// A host named twice is refused (see parseInventory).

import { inputError } from '../errors.js';
import { grouped } from './text.js';

export interface InventoryHost {
  name: string;
  /** Slots given in the file; undefined means "one per physical core", filled in by preflight. */
  slots: number | undefined;
  maxSlots: number | undefined;
  /** 1-based line of the first mention, for messages. */
  line: number;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** The most slots one host may have: far above any node, far below where numbers stop being exact. */
export const MAX_SLOTS = 2 ** 20;

/**
 * Why `name` is not a host name hpcrun accepts, or undefined. Plain names
 * and IPv4 addresses only. Two forms of Open MPI's hostfile syntax are refused
 * with their reason:
 * - `user@host`: preflight and mpirun's ssh log in as one user (--user), and
 *   the plan's rankfile, machinefile and slurm-hostfile have no place for a
 *   user, so a per-host user could not be honoured everywhere;
 * - IPv6 addresses: MPICH's machinefile reads `host:n` and Slurm's hostlists
 *   use `:` and `[...]` too, so a bare IPv6 address would be misread there.
 */
export function hostNameProblem(name: string): { what: string; fix: string } | undefined {
  if (HOSTNAME.test(name)) return undefined;
  const at = /^([^@\s]+)@([^@\s]+)$/.exec(name);
  if (at) {
    return {
      what: `${JSON.stringify(name)} names a user: per-host users (user@host) are not supported`,
      fix: `write the host alone (${at[2]}) and give the user for every host with --user ${at[1]}`,
    };
  }
  if (/^\[?[0-9A-Fa-f]*:[0-9A-Fa-f:.]*\]?(%\w+)?$/.test(name) && name.includes(':')) {
    return {
      what: `${JSON.stringify(name)} is an IPv6 address: not supported, since MPICH machinefiles (host:n) and Slurm hostlists would misread it`,
      fix: 'give the node a name (in /etc/hosts or DNS) or an IPv4 address, and use that',
    };
  }
  return { what: `${JSON.stringify(name)} is not a host name`, fix: 'give a host name or address such as node01 or 10.0.0.5' };
}

/** Throws an input error unless `name` is a plain host name or IPv4 address (no wildcards, commas or spaces). */
export function requireHostName(name: string, where: string): string {
  const problem = hostNameProblem(name);
  if (problem) throw inputError('HPCRUN_BAD_HOST', `${where}: ${problem.what}`, problem.fix);
  return name;
}
const SLOT_KEYS = new Set(['slots', 'count', 'cpu']);
const MAX_KEYS = new Set(['max_slots', 'max-slots']);

/**
 * One rule for plan, launch and bench: a host named twice is refused (Open MPI
 * would add its slots up, which is rarely meant and hides a copy-paste slip);
 * give it its ranks with slots=N on one line.
 */
export function parseInventory(text: string, source = 'inventory'): InventoryHost[] {
  const hosts = new Map<string, InventoryHost>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const where = `${source}:${lineNo}`;
    const content = raw.replace(/#.*$/, '').trim();
    if (content === '') return;
    const [name, ...fields] = content.split(/\s+/) as [string, ...string[]];
    const problem = hostNameProblem(name);
    if (problem) {
      throw inputError('HPCRUN_INVENTORY_SYNTAX', `${where}: ${problem.what}`, problem.what.endsWith('is not a host name') ? 'each line is a host name or address, optionally followed by slots=N (Open MPI hostfile syntax)' : problem.fix);
    }
    let slots: number | undefined;
    let maxSlots: number | undefined;
    for (const field of fields) {
      const match = /^([a-z_-]+)=(\d+)$/.exec(field);
      const key = match?.[1] ?? '';
      const value = Number(match?.[2]);
      if (!match || (!SLOT_KEYS.has(key) && !MAX_KEYS.has(key))) {
        throw inputError('HPCRUN_INVENTORY_SYNTAX', `${where}: cannot read ${JSON.stringify(field)}`, 'write `host slots=N` or `host slots=N max_slots=M`');
      }
      if (value < 1) {
        throw inputError('HPCRUN_INVENTORY_SYNTAX', `${where}: ${key} must be at least 1, got ${match[2]}`, 'give the number of ranks this host may run, for example slots=4');
      }
      if (value > MAX_SLOTS) {
        throw inputError('HPCRUN_INVENTORY_SYNTAX', `${where}: ${key}=${match[2]} is more than the ${grouped(MAX_SLOTS)} hpcrun allows per host`, 'give the number of ranks this host may run, for example slots=64');
      }
      if (SLOT_KEYS.has(key)) slots = value;
      else maxSlots = value;
    }
    if (slots !== undefined && maxSlots !== undefined && maxSlots < slots) {
      throw inputError('HPCRUN_INVENTORY_SYNTAX', `${where}: max_slots=${maxSlots} is below slots=${slots}`, 'raise max_slots or lower slots');
    }
    const previous = hosts.get(name);
    if (previous) {
      throw inputError('HPCRUN_INVENTORY_DUPLICATE', `${where}: host ${name} is listed twice (first on line ${previous.line})`, 'name each node once; give it more ranks with slots=N');
    }
    hosts.set(name, { name, slots, maxSlots, line: lineNo });
  });
  if (hosts.size === 0) {
    throw inputError('HPCRUN_INVENTORY_EMPTY', `${source} lists no hosts`, 'write one host per line, for example `node01 slots=4`');
  }
  return [...hosts.values()];
}
