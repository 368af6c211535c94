import { defineConfig } from 'vitest/config';

// Five projects: fast pure unit tests; the HTML report in a real headless
// Chromium (test/browser/); integration tests that drive the real
// virtual cluster (network namespaces, sshd, mpirun); Slurm tests, each
// file of which starts its own real Slurm over loopback; and the Compute
// Engine tests, which drive @google-cloud/compute against a local double of
// the REST API on 127.0.0.1 (no global setup, no cloud, no namespaces). The cluster projects
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
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 30_000,
          hookTimeout: 60_000,
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
      {
        test: {
          name: 'gce',
          include: ['test/gce/**/*.test.ts'],
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 60_000,
          // Application Default Credentials must never probe the real
          // metadata server from a test: all traffic stays on 127.0.0.1.
          env: { METADATA_SERVER_DETECTION: 'none' },
        },
      },
    ],
  },
});
