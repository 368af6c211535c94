// Hosts for `hpcrun plan --hosts`: the inventory reader that launch uses, in
// Open MPI hostfile syntax, except that a plan names each node once.

import { parseInventory } from '../inventory.js';
import type { HostEntry } from './types.js';

export function parseHostfile(text: string, label = 'hosts file'): HostEntry[] {
  return parseInventory(text, label).map((host) => ({ name: host.name, slots: host.slots }));
}
