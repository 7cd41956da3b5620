import { defineConfig } from 'vitest/config';

/**
 * Records a set of workflow histories (test/record-histories.record.ts) on the same services as the
 * tests; never part of `npm test`. How and when to use it: see that file.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.record.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
