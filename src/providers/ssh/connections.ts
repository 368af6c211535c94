// The open SSH connections of one launch, by host. Besides being a Map, it
// tells who waits for a host when preflight has opened that host's
// connection, so that a daemon's start can begin while other hosts are
// still being checked. It also brokers the probe between preflight and the
// daemon starts of an early launch: a node whose daemon request came first
// runs the probe in the daemon's own held session, which saves one SSH
// session per node.

import type { Connection } from '../../exec/ssh.js';

interface DaemonProbe {
  /** The probe's standard output, or a rejection if the daemon's session could not give it. */
  output: Promise<string>;
  settle(output: string | Error): void;
}

export class Connections extends Map<string, Connection> {
  private readonly waiting = new Map<string, ((connection: Connection) => void)[]>();
  private readonly daemonProbes = new Map<string, DaemonProbe>();
  private readonly ownProbes = new Set<string>();
  /** The probe's command line, set by preflight before it connects; undefined: daemons run no probe. */
  probeCommand: string | undefined;

  override set(host: string, connection: Connection): this {
    super.set(host, connection);
    // The base constructor calls set() only for initial entries, before this class's fields exist.
    const waiters = this.waiting?.get(host) ?? [];
    this.waiting?.delete(host);
    for (const waiter of waiters) waiter(connection);
    return this;
  }

  /** The host's connection, as soon as it is open. */
  opened(host: string): Promise<Connection> {
    const open = this.get(host);
    if (open) return Promise.resolve(open);
    return new Promise((resolve) => this.waiting.set(host, [...(this.waiting.get(host) ?? []), resolve]));
  }

  /**
   * Called by a daemon request: the probe command to run in its session, if
   * preflight has not probed this host itself yet (the caller must then
   * settle it with `settle`).
   */
  takeProbe(host: string): string | undefined {
    if (this.probeCommand === undefined || this.ownProbes.has(host) || this.daemonProbes.has(host)) return undefined;
    let settle!: (output: string | Error) => void;
    const output = new Promise<string>((resolve, reject) => {
      settle = (value) => (value instanceof Error ? reject(value) : resolve(value));
    });
    output.catch(() => undefined);
    this.daemonProbes.set(host, { output, settle });
    return this.probeCommand;
  }

  settleProbe(host: string, output: string | Error): void {
    this.daemonProbes.get(host)?.settle(output);
  }

  /**
   * Called by preflight once the host is connected: the probe's output from
   * the daemon's session if one runs it, else undefined, and preflight
   * probes the host itself (no daemon session will from now on).
   */
  probeByDaemon(host: string): Promise<string> | undefined {
    const byDaemon = this.daemonProbes.get(host);
    if (byDaemon) return byDaemon.output;
    this.ownProbes.add(host);
    return undefined;
  }
}
