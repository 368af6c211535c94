// Launch and preflight at once. mpirun starts as soon as the job is known,
// while preflight connects to the nodes; its daemons (through hpcrun's agent)
// and its output wait until every node has passed. Open MPI starts no rank
// before all its daemons have reported, so nothing of the job runs on an
// unchecked node. If preflight fails, mpirun is stopped, what it printed is
// dropped, and the preflight error is what the user sees.
//
// This hides mpirun's own start-up and the agents' start behind the SSH
// handshakes, which is most of what `hpcrun launch` added to a bare mpirun.

import type { Deps, Writable } from '../../deps.js';
import type { JobEnd } from '../../exec/job.js';
import type { Preflight } from '../types.js';
import { type Stoppable, stoppable } from './watch.js';

interface Held {
  deps: Deps;
  /** Writes what was held, then lets output through. */
  release(): void;
  discard(): void;
}

/** Deps whose stdout and stderr are held back until released. */
function holdOutput(deps: Deps): Held {
  const held: { to: Writable; chunk: string | Uint8Array }[] = [];
  let state: 'holding' | 'through' | 'dropped' = 'holding';
  const writer = (to: Writable): Writable => ({
    isTTY: to.isTTY,
    write(chunk: string | Uint8Array): boolean {
      if (state === 'through') return to.write(chunk);
      if (state === 'holding') held.push({ to, chunk });
      return true;
    },
  });
  return {
    deps: { ...deps, stdout: writer(deps.stdout), stderr: writer(deps.stderr) },
    release() {
      state = 'through';
      for (const { to, chunk } of held.splice(0)) to.write(chunk);
    },
    discard() {
      state = 'dropped';
      held.length = 0;
    },
  };
}

export interface OverlapSteps {
  /** Starts the job with these deps (the gate is already in the agent's server). */
  start(job: Stoppable): Promise<JobEnd>;
  /** The whole preflight, including the caller's own checks on its result; throws to refuse. */
  preflight(): Promise<Preflight>;
  /** Called once preflight passed, before the held output: print the summary, start watching. */
  passed(checked: Preflight): void;
  /** Opens (or, with an error, shuts) the agent's gate. */
  open(error?: unknown): void;
}

/** Runs the job and its preflight together; resolves with the job's end, or rejects with the preflight's error. */
export async function launchDuringPreflight(deps: Deps, steps: OverlapSteps): Promise<{ checked: Preflight; end: JobEnd }> {
  const held = holdOutput(deps);
  const job = stoppable(held.deps);
  const running = steps.start(job);
  // Awaited only after preflight; a failure before then (no temp folder, say) must not count as unhandled.
  running.catch(() => undefined);
  let checked: Preflight;
  try {
    checked = await steps.preflight();
  } catch (error) {
    steps.open(error);
    held.discard();
    job.raise('SIGTERM');
    await running.catch(() => undefined);
    throw error;
  }
  steps.passed(checked);
  held.release();
  steps.open();
  return { checked, end: await running };
}
