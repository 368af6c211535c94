// The C build of mpirun's remote-shell agent (mpi-templates/rsh-agent), made
// on first use with this machine's C compiler and cached by a hash of its
// source. A Node.js agent costs about 40 ms of CPU per daemon; this one about
// a millisecond. Without a compiler, or if the build fails, the Node.js agent
// (src/exec/rsh-agent.ts) serves instead: same protocol, only slower.

import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { arch, homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelCacheDir } from '../kernels/cache.js';
import { runCommand } from './run.js';

export const NATIVE_AGENT_SOURCE = fileURLToPath(new URL('../../mpi-templates/rsh-agent/rsh-agent.c', import.meta.url));

let built: Promise<string | undefined> | undefined;

/** The path of the built agent, or undefined when it cannot be built here. Built once per process. */
export function nativeAgent(env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  built ??= build(env).catch(() => undefined);
  return built;
}

async function build(env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  if (env.HPCRUN_RSH_AGENT === 'node') return undefined;
  const source = await readFile(NATIVE_AGENT_SOURCE);
  const key = createHash('sha256').update(source).update(arch()).digest('hex').slice(0, 16);
  const dir = kernelCacheDir(env, homedir());
  const path = join(dir, `hpcrun-rsh-agent-${key}`);
  try {
    await access(path, constants.X_OK);
    return path;
  } catch {
    // not built yet
  }
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.hpcrun-rsh-agent-${key}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    for (const compiler of [env.CC, 'cc', 'gcc', 'mpicc'].filter((name): name is string => Boolean(name))) {
      const result = await runCommand([compiler, '-O2', '-o', temp, NATIVE_AGENT_SOURCE], { env, timeoutMs: 60_000 });
      if (result.ok) {
        await rename(temp, path);
        return path;
      }
    }
    return undefined;
  } finally {
    await rm(temp, { force: true });
  }
}
