/**
 * The stack the benchmark suite needs, started by itself: a Temporal of its own (the dev server or a
 * cluster, `temporal.ts`), a scratch PostgreSQL database, a Redis key prefix of its own, the workflow
 * bundles, the API in this process (called with fastify's inject) and the workers in child processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import { buildApp } from '../api/app.js';
import { issueToken, type Role } from '../identity/tokens.js';
import { migrate, openOrm } from '../db/orm.js';
import { FileSystemStorage } from '../documents/storage.js';
import { env, loadConfig, PROJECT_ROOT } from '../infra/config.js';
import { dropDatabase, ensurePostgres, ensureRedis } from '../infra/services.js';
import { NotificationQueues } from '../notifications/queues.js';
import type { ProcedureRegistry } from '../registry/published.js';
import { loadReferenceData } from '../registry/reference-data.js';
import { workflowBundleOptions } from '../infra/workflow-sandbox.js';
import { FAILURE_CONVERTER_PATH, temporalDataConverter } from '../infra/data-converter.js';
import type { WorkerProcessOptions } from './worker-process.js';
import { BENCH_OFFICE } from './definitions.js';
import { writeResult } from './lib.js';
import { benchTemporalKind, startBenchTemporal, type BenchTemporal, type BenchTemporalKind } from './temporal.js';

export const BENCH_SECRET = 'mohla-bench-secret-0123456789abcdef';
const BASELINE_PATH = path.join(PROJECT_ROOT, 'bench', 'baseline', 'workflow.ts');

export interface WorkerHandle {
  child: ChildProcess;
  memory(): Promise<{ rss: number; heapUsed: number; heapTotal: number; cachedWorkflows: number }>;
  stop(): Promise<void>;
}

export interface BenchStack {
  id: string;
  temporal: BenchTemporal;
  /** With Mohla's data converter: the baseline's payloads are encrypted as Mohla's are. */
  client: Client;
  orm: MikroORM;
  redis: Redis;
  redisUrl: string;
  databaseUrl: string;
  procedures: ProcedureRegistry;
  notifications: NotificationQueues;
  app: FastifyInstance;
  /** Mohla's task queue, served by a worker process started with `startMohlaWorker`. */
  taskQueue: string;
  mohlaBundle: string;
  baselineBundle: string;
  token(role: Role, sub: string, offices?: string[]): Promise<string>;
  /** Adds an annex to the directory the API files against (each benchmark's offices are its own). */
  addOffice(id: string): void;
  /** Mohla's worker keeps as many applications in memory as WORKER_CACHED_APPLICATIONS says, as in production. */
  startMohlaWorker(taskQueue?: string): Promise<WorkerHandle>;
  startBaselineWorker(taskQueue: string): Promise<WorkerHandle>;
  /** Appends a result file named for the benchmark and the kind of Temporal, recording which ran. */
  writeResult(benchmark: string, result: Record<string, unknown>): string;
  close(): Promise<void>;
}

function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerHandle> {
  // NODE_OPTIONS cannot carry --cpu-prof: the profile of a worker is asked for on its command line.
  const profile = env('BENCH_PROFILE') === '1' ? ['--cpu-prof', '--cpu-prof-dir', path.join(PROJECT_ROOT, 'bench', 'results', 'profiles', options.kind)] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'worker-process.ts'), JSON.stringify(options)], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const handle: WorkerHandle = {
    child,
    memory: () =>
      new Promise((resolve) => {
        const listen = (message: { memory?: { rss: number; heapUsed: number; heapTotal: number }; cachedWorkflows?: number }) => {
          if (!message.memory) return;
          child.off('message', listen);
          resolve({ ...message.memory, cachedWorkflows: message.cachedWorkflows ?? 0 });
        };
        child.on('message', listen);
        child.send('memory');
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send('stop');
      const killed = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killed);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.kind} worker did not start within 120 s`)), 120_000);
    child.once('exit', (code) => reject(new Error(`${options.kind} worker exited with ${code}`)));
    child.on('message', (message: { ready?: boolean }) => {
      if (!message.ready) return;
      clearTimeout(timer);
      resolve(handle);
    });
  });
}

export async function startBenchStack(log: (line: string) => void, options: { temporal?: BenchTemporalKind } = {}): Promise<BenchStack> {
  const config = loadConfig();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const id = `${process.pid}`;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mohla-bench-'));
  const kind = options.temporal ?? benchTemporalKind();
  const base = new URL(config.databaseAdminUrl);
  base.pathname = `/mohla_bench_${id}`;
  log(`starting Temporal (${kind === 'cluster' ? 'a cluster of four processes on a PostgreSQL of its own' : 'the dev server, headless, on a scratch file'}), checking PostgreSQL and Redis, bundling the workflows…`);
  // PostgreSQL and Redis first: their checks time out after 3 s, which bundling on two busy cores can
  // outlast when they run alongside it.
  const [postgres, redisService] = await Promise.all([
    ensurePostgres(base.href, { dataDir: path.join(config.dataDir, 'bench'), allowEmbedded: true, log }),
    ensureRedis(config.redisUrl, { dataDir: path.join(config.dataDir, 'bench'), allowStart: true, log }),
  ]);
  const starting = startBenchTemporal(kind, scratch, log);
  const [temporal, mohla, baseline] = await Promise.all([
    starting,
    bundleWorkflowCode(workflowBundleOptions()),
    // The same failure converter as Mohla's bundle, to go with the same data converter in its worker.
    bundleWorkflowCode({ workflowsPath: BASELINE_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger: new DefaultLogger('WARN') }),
  ]).catch(async (err: unknown) => {
    // A cluster is five processes that would outlive this one.
    await starting.then((t) => t.stop(), () => undefined);
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  });
  const mohlaBundle = path.join(scratch, 'mohla-bundle.js');
  const baselineBundle = path.join(scratch, 'baseline-bundle.js');
  writeFileSync(mohlaBundle, mohla.code);
  writeFileSync(baselineBundle, baseline.code);

  const databaseUrl = postgres.url;
  const orm = await openOrm(databaseUrl, { pool: { min: 0, max: 20 } });
  await migrate(orm);
  const { procedures, calendars, offices, refused } = await loadReferenceData(orm, config.proceduresDir);
  if (refused.length) throw new Error(`shipped procedures refused: ${JSON.stringify(refused)}`);
  const addOffice = (id: string) => {
    if (!offices.some((o) => o.id === id)) offices.push({ id, kind: 'annex', name: { ar: id, fr: id, en: id } });
  };
  addOffice(BENCH_OFFICE);

  const connection = await Connection.connect({ address: temporal.address });
  // One client for Mohla's API and the baseline: both encrypt their payloads with the same keys, so the
  // codec's cost falls on both sides of the comparison.
  const client = new Client({ connection, dataConverter: temporalDataConverter(config.codecKeys) });
  const redisUrl = redisService.url;
  const redis = new Redis(redisUrl, { keyPrefix: `mohla-bench:${id}:` });
  const queuePrefix = `mohla-bench-${id}`;
  const notifications = new NotificationQueues({ redisUrl, prefix: queuePrefix, attempts: 3, backoffMs: 1000 });
  const storage = new FileSystemStorage(path.join(scratch, 'documents'));
  const taskQueue = `bench-mohla-${id}`;
  const app = await buildApp({ temporal: client, taskQueue, orm, redis, procedures, calendars, offices, storage, notifications, secret: BENCH_SECRET });
  const workers: WorkerHandle[] = [];

  return {
    id,
    temporal,
    client,
    orm,
    redis,
    redisUrl,
    databaseUrl,
    procedures,
    notifications,
    app,
    taskQueue,
    mohlaBundle,
    baselineBundle,
    token: (role, sub, offices = []) => issueToken(BENCH_SECRET, { sub, role, offices }),
    addOffice,
    writeResult: (benchmark, result) => writeResult(kind === 'cluster' ? `${benchmark}-cluster` : benchmark, { ...result, temporal: temporal.description }),
    async startMohlaWorker(queue = taskQueue) {
      const { cachedApplications } = config.worker;
      const worker = await startWorkerProcess({ kind: 'mohla', address: temporal.address, taskQueue: queue, bundlePath: mohlaBundle, databaseUrl, redisUrl, queuePrefix, cachedApplications });
      workers.push(worker);
      return worker;
    },
    async startBaselineWorker(queue) {
      const worker = await startWorkerProcess({ kind: 'baseline', address: temporal.address, taskQueue: queue, bundlePath: baselineBundle });
      workers.push(worker);
      return worker;
    },
    async close() {
      for (const worker of workers) await worker.stop().catch(() => undefined);
      await app.close();
      redis.disconnect();
      await notifications.obliterate().catch(() => undefined);
      await notifications.close();
      await orm.close(true);
      await connection.close();
      await temporal.stop();
      await dropDatabase(databaseUrl);
      await postgres.stop?.();
      await redisService.stop?.();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
