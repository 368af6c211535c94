// launch's block placement: each host's slots filled in rank order (as mpirun
// --map-by slot). The result is a Placed, the same thing a Plan is, so a
// launch without --plan goes through the one launcher render path. Pure.

import { HpcrunError } from '../errors.js';
import type { Placed } from './launchers/types.js';
import { count } from './text.js';

export interface HostCapacity {
  name: string;
  /** Ranks this host may run: the inventory's slots, else its physical cores. */
  slots: number;
}

/** A placement with every rank's node: block order over `hosts` (name, ranks), one thread per rank. */
export function placedInOrder(hosts: readonly { host: string; ranks: number }[], threadsPerRank = 1): Placed {
  const ranks = hosts.reduce((sum, host) => sum + host.ranks, 0);
  const rankToNode = new Int32Array(ranks);
  const rankSlot = new Int32Array(ranks);
  let r = 0;
  hosts.forEach((host, node) => {
    for (let slot = 0; slot < host.ranks; slot += 1, r += 1) {
      rankToNode[r] = node;
      rankSlot[r] = slot;
    }
  });
  return { nodes: hosts.map((host) => ({ host: host.host, ranks: host.ranks })), rankToNode, rankSlot, ranksPerNode: Math.max(0, ...hosts.map((host) => host.ranks)), threadsPerRank };
}

/**
 * Fills each host's slots in order (block placement, as mpirun --map-by slot).
 * With ppn, every used host gets ppn ranks except possibly the last.
 */
export function blockPlacement(capacity: readonly HostCapacity[], np: number, ppn?: number): Placed {
  const hosts: { host: string; ranks: number }[] = [];
  let left = np;
  for (const host of capacity) {
    if (left === 0) break;
    if (ppn !== undefined && ppn > host.slots) {
      throw new HpcrunError('infeasible', 'HPCRUN_PPN_TOO_HIGH', `--ppn ${ppn} does not fit on ${host.name}, which has ${count(host.slots, 'slot')}`, {
        hint: `lower --ppn to ${host.slots} or give ${host.name} more slots in the inventory (slots=${ppn})`,
      });
    }
    const ranks = Math.min(left, ppn ?? host.slots);
    hosts.push({ host: host.name, ranks });
    left -= ranks;
  }
  if (left > 0) {
    const total = capacity.reduce((sum, host) => sum + (ppn ?? host.slots), 0);
    throw new HpcrunError('infeasible', 'HPCRUN_NOT_ENOUGH_SLOTS', `--np ${np} needs ${count(np, 'slot')} but the ${count(capacity.length, 'host')} ${capacity.length === 1 ? 'offers' : 'offer'} ${total}${ppn ? ` at --ppn ${ppn}` : ''}`, {
      hint: `lower --np to ${total}, add hosts to the inventory${ppn ? ', or raise --ppn' : ', or raise their slots='}`,
    });
  }
  return placedInOrder(hosts);
}
