import { defineConfig } from 'vitest/config';

// Three projects: fast pure unit tests; integration tests that drive the real
// virtual cluster (network namespaces, sshd, mpirun); and Slurm tests, each
// file of which starts its own real Slurm over loopback. The cluster projects
// run their files one at a time because they share one testbed and this
// machine has two cores; `npm test` runs the projects one after another.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'slurm',
          include: ['test/slurm/**/*.test.ts'],
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
