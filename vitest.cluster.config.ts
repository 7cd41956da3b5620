import { defineConfig } from 'vitest/config';

/**
 * The cluster tier (`npm run test:cluster`): Mohla's integration scenarios against a Temporal cluster on
 * PostgreSQL, with two worker and two API processes, then the fault tests, one file at a time.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    globalSetup: ['test/cluster/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
