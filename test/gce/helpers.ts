// Shared set-up for the Compute Engine tests: a local double of the REST API
// (not Compute Engine) on 127.0.0.1, and an environment that points hpcrun at
// it through gcloud's endpoint override, with a bearer token, a throwaway
// HOME with an SSH key pair, and its own clusters folder.

import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CliRun, runCli } from '../helpers/cli.js';
import { ComputeDouble, type DoubleOptions } from './double/server.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'dist', 'bin.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'gce');

/** Short waits, so that a test of a 503 storm or a missing host key takes milliseconds. */
export const FAST_TIMING = 'retryBudget=2s,backoffBase=5ms,backoffMax=40ms,operationTimeout=10s,hostKeyTimeout=3s,hostKeyPoll=10ms,sweepTimeout=5s';

export interface Lab {
  double: ComputeDouble;
  env: Record<string, string>;
  home: string;
  clusters: string;
  run(argv: readonly string[], extraEnv?: Record<string, string | undefined>): Promise<CliRun>;
  close(): Promise<void>;
}

export async function openLab(options: DoubleOptions = {}): Promise<Lab> {
  const double = new ComputeDouble(options);
  const endpoint = await double.start();
  const home = await mkdtemp(join(tmpdir(), 'hpcrun-gce-'));
  await mkdir(join(home, '.ssh'), { mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hpc@laptop', '-f', join(home, '.ssh', 'id_ed25519')]);
  const clusters = join(home, 'clusters');
  const env: Record<string, string> = {
    HOME: home,
    USER: 'hpc',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HPCRUN_CLUSTERS_DIR: clusters,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: endpoint,
    GOOGLE_OAUTH_ACCESS_TOKEN: double.token,
    HPCRUN_GCE_TIMING: FAST_TIMING,
    // Child processes too: Application Default Credentials must never probe the metadata server.
    METADATA_SERVER_DETECTION: 'none',
  };
  return {
    double,
    env,
    home,
    clusters,
    run: (argv, extraEnv = {}) => {
      const merged = Object.fromEntries(Object.entries({ ...env, ...extraEnv }).filter((entry): entry is [string, string] => entry[1] !== undefined));
      return runCli(argv, { env: merged, now: new Date() });
    },
    close: async () => {
      await double.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

export const UP = ['cluster', 'up', '--provider', 'gce', '--project', 'hpc-proj', '--zone', 'us-central1-a'];
