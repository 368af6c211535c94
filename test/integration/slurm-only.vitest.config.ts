import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The integration project's settings without its global setup (the network-
// namespace testbed), for the tests that bring up a local Slurm of their own
// (src/testbed/slurm.ts) and need nothing else. Point HPCRUN_SLURM_DIR and
// HPCRUN_SLURM_BASE_PORT elsewhere to run beside another cluster:
//   HPCRUN_SLURM_DIR=/run/hpcrun-slurm-x HPCRUN_SLURM_BASE_PORT=19000 \
//     npx vitest run --config test/integration/slurm-only.vitest.config.ts test/integration/submit.test.ts
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/integration/submit.test.ts', 'test/integration/plan-slurm.test.ts', 'test/integration/slurm-launch.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
