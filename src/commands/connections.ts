// hpcrun connections: the holders of kept SSH logins (launch --persist), and
// a way to close them. A socket whose holder no longer answers is removed.

import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deps } from '../deps.js';
import { formatDuration } from '../core/units.js';
import { type HolderStatus, holderStatus, persistDir, stopHolder } from '../providers/ssh/persist.js';

export interface ConnectionsOptions {
  stop?: boolean;
  json?: boolean;
}

export async function run(options: ConnectionsOptions, deps: Deps): Promise<number> {
  const dir = await persistDir(deps.env);
  const sockets = (await readdir(dir)).filter((name) => name.endsWith('.sock')).map((name) => join(dir, name));
  const holders: HolderStatus[] = [];
  for (const socketPath of sockets) {
    const status = await holderStatus(socketPath).catch(() => undefined);
    if (!status) {
      // Its holder died (kill -9, a reboot of the folder's machine): nothing to keep.
      await rm(socketPath, { force: true });
      continue;
    }
    if (options.stop) await stopHolder(socketPath);
    holders.push(status);
  }
  if (options.json) {
    deps.stdout.write(`${JSON.stringify(holders.map((holder) => ({ ...holder, stopped: options.stop === true })), null, 2)}\n`);
    return 0;
  }
  if (holders.length === 0) {
    deps.stdout.write('no kept SSH logins (`hpcrun launch --persist DURATION` keeps them)\n');
    return 0;
  }
  for (const holder of holders) {
    const state = options.stop ? 'closed' : holder.idleMs === null ? `in use by ${holder.clients} connection${holder.clients === 1 ? '' : 's'}` : `idle ${formatDuration(seconds(holder.idleMs))}, closes in ${formatDuration(seconds(Math.max(0, holder.persistMs - holder.idleMs)))}`;
    deps.stdout.write(`${holder.hosts.length} login${holder.hosts.length === 1 ? '' : 's'} (${holder.hosts.join(', ') || 'none yet'}): ${state}; pid ${holder.pid}, ${holder.socketPath}\n`);
  }
  return 0;
}

/** Whole seconds, for display. */
const seconds = (ms: number): number => Math.round(ms / 1000) * 1000;
