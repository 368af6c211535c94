// The SSH flags every command that reaches nodes shares (--identity, --user,
// --port, --known-hosts, --accept-new-host-keys), as the ssh provider's options.

import { requirePort } from '../core/units.js';
import type { SshOptions } from './ssh/index.js';

export interface SshFlags {
  identity?: string;
  user?: string;
  port?: string;
  knownHosts?: string;
  acceptNewHostKeys?: boolean;
}

export function sshOptionsOf(options: SshFlags): SshOptions {
  const port = options.port === undefined ? undefined : requirePort(options.port);
  return { identity: options.identity, user: options.user, port, knownHosts: options.knownHosts, acceptNewHostKeys: options.acceptNewHostKeys };
}
