// Opens what every cluster command that talks to Compute Engine needs:
// credentials, the clients (at the endpoint override, if set), the timing,
// and a status-line writer. Loaded only by the cluster commands.

import type { Deps } from '../../deps.js';
import { openComputeApi } from './api.js';
import { credentials, endpointFrom } from './auth.js';
import { timingFrom } from './timing.js';
import type { GceContext } from './up.js';

export interface GceSession extends GceContext {
  close(): Promise<void>;
}

export async function openSession(deps: Deps, signal?: AbortSignal): Promise<GceSession> {
  const timing = timingFrom(deps.env);
  endpointFrom(deps.env);
  const log = (line: string): void => void deps.stderr.write(`${line}\n`);
  const auth = await credentials(deps.env);
  const api = await openComputeApi(auth, deps.env, { timing, signal, onRetry: log });
  return { api, timing, signal, log, env: deps.env, close: () => api.close() };
}
