/**
 * Once per test run: the real Temporal dev server (our own process, headless, in memory), PostgreSQL and
 * Redis checked or started, and the workflow code bundled once for every test worker.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../infra/config.js';
import { ensurePostgres, ensureRedis } from '../infra/services.js';
import { ensureTemporalCli } from '../infra/temporal-cli.js';
import { startDevServer } from '../infra/temporal-server.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { workflowBundleOptions } from '../infra/workflow-sandbox.js';
import { freePort } from './helpers/ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    /** A database URL on the test server; each test file creates its own database next to it. */
    databaseUrl: string;
    redisUrl: string;
    workflowBundlePath: string;
    /** The cluster tier: Temporal is a cluster, and each test stack runs two worker and two API processes. */
    cluster: boolean;
  }
}

export default async function setup(project: TestProject) {
  const log = (line: string) => console.log(`[setup] ${line}`);
  const cli = await ensureTemporalCli({ log });
  return provideServices(project, freePort().then((port) => startDevServer({ cli: cli.path, port, searchAttributes })), log);
}

/** Mohla's services for a test run around the given Temporal; returns the teardown. */
export async function provideServices(
  project: TestProject,
  temporalStarting: Promise<{ address: string; stop(): Promise<void> }>,
  log: (line: string) => void,
  cluster = false,
): Promise<() => Promise<void>> {
  const config = loadConfig();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mohla-test-'));
  // As an administrator: each test file creates and migrates its own database (the app then logs in as Mohla's role).
  const databaseUrl = process.env.TEST_DATABASE_URL ?? config.databaseAdminUrl.replace(/\/[^/]*$/, '/mohla_test');
  // The services are reached before the workflow code is bundled: bundling holds this process's event
  // loop for seconds on a busy machine, longer than a connection attempt waits for its answer.
  let services;
  try {
    const [postgres, redis] = await Promise.all([
      ensurePostgres(databaseUrl, { dataDir: path.join(config.dataDir, 'test'), allowEmbedded: true, log }),
      ensureRedis(process.env.TEST_REDIS_URL ?? config.redisUrl, { dataDir: path.join(config.dataDir, 'test'), allowStart: true, log }),
    ]);
    const [temporal, bundle] = await Promise.all([temporalStarting, bundleWorkflowCode(workflowBundleOptions())]);
    services = { postgres, redis, temporal, bundle };
  } catch (err) {
    // Vitest runs no teardown for a setup that failed: a Temporal already started would outlive the run.
    await temporalStarting.then((t) => t.stop()).catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
  const { postgres, redis, temporal, bundle } = services;
  const workflowBundlePath = path.join(scratch, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);

  project.provide('temporalAddress', temporal.address);
  project.provide('databaseUrl', postgres.url);
  project.provide('redisUrl', redis.url);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('cluster', cluster);

  return async () => {
    await temporal.stop();
    await postgres.stop?.();
    await redis.stop?.();
    rmSync(scratch, { recursive: true, force: true });
  };
}
