// Is an inventory host this machine? mpirun starts no daemon on its own host,
// so an early launch checks that host with the local probe instead of an SSH
// session to itself, as Open MPI decides locality: by the name `localhost`,
// this machine's host name (short or full), or an address of one of its
// interfaces. No name is looked up in DNS.

import { hostname, networkInterfaces } from 'node:os';

const short = (name: string): string => name.split('.')[0] as string;

export function isThisMachine(host: string, name = hostname(), interfaces = networkInterfaces()): boolean {
  if (host === 'localhost' || host === name || short(host) === name || host === short(name)) return true;
  return Object.values(interfaces).some((list) => (list ?? []).some((address) => address.address === host));
}
