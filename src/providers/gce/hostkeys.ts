// Verified host keys: with enable-guest-attributes=TRUE, each VM's guest
// environment publishes its sshd host keys under `hostkeys/` once sshd has
// them. hpcrun polls every VM until each has published, within a bounded
// time, and writes them to the cluster's known_hosts, so that the first SSH
// connection is verified instead of trusted on first use.

import { HpcrunError } from '../../errors.js';
import { type HostKey, hostKeysOf } from '../../core/gce/index.js';
import type { ComputeApi } from './api.js';
import { API_CONCURRENCY, mapLimit } from './limit.js';
import { interrupted } from './operations.js';
import { type GceTiming, sleep } from './timing.js';

export interface HostKeyOptions {
  timing: GceTiming;
  signal?: AbortSignal | undefined;
  onProgress?: ((message: string) => void) | undefined;
}

export async function waitForHostKeys(api: ComputeApi, project: string, zone: string, names: readonly string[], options: HostKeyOptions): Promise<Map<string, HostKey[]>> {
  const found = new Map<string, HostKey[]>();
  const deadline = Date.now() + options.timing.hostKeyTimeoutMs;
  let reported = -1;
  for (;;) {
    const pending = names.filter((name) => !found.has(name));
    const results = await mapLimit(pending, API_CONCURRENCY, async (name) => [name, await api.hostKeyAttributes(project, zone, name)] as const);
    for (const [name, items] of results) {
      const keys = items ? hostKeysOf(items) : [];
      if (keys.length > 0) found.set(name, keys);
    }
    if (found.size === names.length) return found;
    if (found.size !== reported) {
      reported = found.size;
      options.onProgress?.(`host keys: ${found.size} of ${names.length} VM(s) have published theirs`);
    }
    if (options.signal?.aborted) throw interrupted(options.signal);
    if (Date.now() >= deadline) {
      const missing = names.filter((name) => !found.has(name));
      throw new HpcrunError('cloud', 'HPCRUN_GCE_HOSTKEYS_TIMEOUT', `${missing.length} VM(s) published no SSH host keys in guest attributes within ${Math.round(options.timing.hostKeyTimeoutMs / 1000)} s: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`, {
        hint: 'the image must run the Google guest environment (google-guest-agent) with sshd; hpcrun does not trust host keys on first use',
      });
    }
    await sleep(options.timing.hostKeyPollMs, options.signal);
  }
}
