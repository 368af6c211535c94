// `hpcrun connections`' flags, help and examples. The command's module loads
// only when it runs, so `hpcrun --help` and other commands never pay for it.

import type { Command } from 'commander';
import type { ExitStatus } from '../cli.js';
import type { Deps } from '../deps.js';
import type { ConnectionsOptions } from '../commands/connections.js';

const load = () => import('../commands/connections.js');

export function register(program: Command, deps: Deps, status: ExitStatus): void {
  program
    .command('connections')
    .description('list the SSH logins kept by `launch --persist`, or close them')
    .option('--stop', 'close every kept login and end the holders')
    .option('--json', 'print the holders as JSON: [{socketPath, pid, hosts, persistMs, idleMs, clients, stopped}]')
    .addHelpText(
      'after',
      `
\`hpcrun launch --persist DURATION\` leaves a holder process that keeps its SSH
logins (host keys verified, as always) for DURATION after the last launch that
used them, so the next launch with the same SSH settings makes no handshake.
One holder serves one set of SSH settings (user, port, keys, known_hosts
contents); its socket is in $XDG_RUNTIME_DIR/hpcrun, else /tmp/hpcrun-ssh-UID,
a folder only you can enter.

Examples:
  hpcrun connections
  hpcrun connections --json
  hpcrun connections --stop`,
    )
    .action(async (options: ConnectionsOptions) => {
      status.code = await (await load()).run(options, deps);
    });
}
