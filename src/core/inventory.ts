// Reads an inventory in Open MPI hostfile syntax. Pure.
//
//   # comment
//   node01                 one host, slots from its core count
//   node02 slots=16        16 slots
//   node03 slots=8 max_slots=8
//
// A host named twice gets the sum of its slots, as Open MPI does.

import { inputError } from '../errors.js';

export interface InventoryHost {
  name: string;
  /** Slots given in the file; undefined means "one per physical core", filled in by preflight. */
  slots: number | undefined;
  maxSlots: number | undefined;
  /** 1-based line of the first mention, for messages. */
  line: number;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** Throws a usage error unless `name` is a plain host name or IPv4 address (no wildcards, commas or spaces). */
export function requireHostName(name: string, where: string): string {
  if (!HOSTNAME.test(name)) {
    throw inputError('HPCRUN_BAD_HOST', `${where}: ${JSON.stringify(name)} is not a host name`, 'give a host name or address such as node01 or 10.0.0.5');
  }
  return name;
}
const SLOT_KEYS = new Set(['slots', 'count', 'cpu']);
const MAX_KEYS = new Set(['max_slots', 'max-slots']);

export interface InventoryOptions {
  /** 'sum' adds the slots of a host named twice (Open MPI); 'error' refuses it (a plan names each node once). */
  duplicates?: 'sum' | 'error';
}

export function parseInventory(text: string, source = 'inventory', options: InventoryOptions = {}): InventoryHost[] {
  const hosts = new Map<string, InventoryHost>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const where = `${source}:${lineNo}`;
    const content = raw.replace(/#.*$/, '').trim();
    if (content === '') return;
    const [name, ...fields] = content.split(/\s+/) as [string, ...string[]];
    if (!HOSTNAME.test(name)) {
      throw inputError('HPCRUN_INVENTORY_SYNTAX', `${where}: ${JSON.stringify(name)} is not a host name`, 'each line is a host name or address, optionally followed by slots=N (Open MPI hostfile syntax)');
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
      if (SLOT_KEYS.has(key)) slots = value;
      else maxSlots = value;
    }
    if (slots !== undefined && maxSlots !== undefined && maxSlots < slots) {
      throw inputError('HPCRUN_INVENTORY_SYNTAX', `${where}: max_slots=${maxSlots} is below slots=${slots}`, 'raise max_slots or lower slots');
    }
    const previous = hosts.get(name);
    if (previous && options.duplicates === 'error') {
      throw inputError('HPCRUN_INVENTORY_DUPLICATE', `${where}: host ${name} is listed twice (first on line ${previous.line})`, 'name each node once; give it more ranks with slots=N');
    }
    if (previous) {
      previous.slots = previous.slots === undefined || slots === undefined ? (previous.slots ?? slots) : previous.slots + slots;
      previous.maxSlots = previous.maxSlots ?? maxSlots;
    } else {
      hosts.set(name, { name, slots, maxSlots, line: lineNo });
    }
  });
  if (hosts.size === 0) {
    throw inputError('HPCRUN_INVENTORY_EMPTY', `${source} lists no hosts`, 'write one host per line, for example `node01 slots=4`');
  }
  return [...hosts.values()];
}
