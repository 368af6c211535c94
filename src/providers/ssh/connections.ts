// The open SSH connections of one launch, by host. Besides being a Map, it
// tells who waits for a host when preflight has opened that host's
// connection, so that a daemon's start can begin while other hosts are
// still being checked.

import type { Connection } from '../../exec/ssh.js';

export class Connections extends Map<string, Connection> {
  private readonly waiting = new Map<string, ((connection: Connection) => void)[]>();

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
}
