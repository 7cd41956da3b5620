import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.data/**', 'web/**', 'test/cluster/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // Two cores: the Temporal dev server, PostgreSQL and Redis need their share.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
