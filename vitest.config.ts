import { defineConfig } from 'vitest/config';

// Two projects: fast pure unit tests, and integration tests that drive the
// real virtual cluster (network namespaces, sshd, mpirun). The integration
// project runs its files one at a time because they share one testbed and
// this machine has two cores.
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
    ],
  },
});
