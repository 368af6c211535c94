// Watches the nodes while a job runs, over the connections preflight opened:
// a node whose connection closes (it died, or its network failed) is named,
// and if the launcher has not given up on its own within a grace period, the
// job is stopped as Ctrl-C would, so that a dead node never hangs a launch.

import type { Deps } from '../../deps.js';
import { HpcrunError } from '../../errors.js';
import type { Connection } from '../../exec/ssh.js';

/** How long the launcher gets to notice a lost node itself (mpirun usually does within a second). */
export const LOST_NODE_GRACE_MS = 10_000;

export interface NodeWatch {
  /** Throws when a node was lost during the run. */
  check(): void;
  stop(): void;
}

/** Deps whose signal handlers hpcrun itself can also call, to stop a job as Ctrl-C or SIGTERM would. */
export interface Stoppable {
  deps: Deps;
  raise(signal: NodeJS.Signals): void;
}

export function stoppable(deps: Deps): Stoppable {
  const handlers = new Set<(signal: NodeJS.Signals) => void>();
  // A stop asked for before the job was started reaches it as soon as it is.
  let raised: NodeJS.Signals | undefined;
  return {
    deps: {
      ...deps,
      onSignal: (handler) => {
        const remove = deps.onSignal(handler);
        handlers.add(handler);
        if (raised) handler(raised);
        return () => {
          remove();
          handlers.delete(handler);
        };
      },
    },
    raise(signal) {
      raised = signal;
      for (const handler of handlers) handler(signal);
    },
  };
}

/** `job` is the running job's Stoppable: a lost node stops it with SIGTERM after the grace period. */
export function watchNodes(hosts: readonly string[], connections: ReadonlyMap<string, Connection>, job: Stoppable): NodeWatch {
  const lost: string[] = [];
  let grace: NodeJS.Timeout | undefined;
  let stopped = false;
  const cleanups = hosts.flatMap((host) => {
    const client = connections.get(host)?.client;
    if (!client) return [];
    const onClose = () => {
      if (stopped) return;
      lost.push(host);
      job.deps.stderr.write(`hpcrun: lost ${host} during the run: its SSH connection closed\n`);
      grace ??= setTimeout(() => job.raise('SIGTERM'), LOST_NODE_GRACE_MS);
    };
    client.on('close', onClose);
    return [() => client.off('close', onClose)];
  });
  return {
    check() {
      if (lost.length > 0) {
        throw new HpcrunError('remote', 'HPCRUN_NODE_LOST', `lost ${lost.join(', ')} during the run: the node died, or the network to it failed; the job was stopped`, {
          hint: `check ${lost[0]} (is it up? does ssh reach it?) and run the job again without it, or after it is back`,
        });
      }
    },
    stop() {
      stopped = true;
      if (grace) clearTimeout(grace);
      for (const cleanup of cleanups) cleanup();
    },
  };
}
