/**
 * One test file's slice of the real stack: its own PostgreSQL database (migrated), its own Redis key
 * prefix, its own Temporal task queue and worker, and the API built on them.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp } from '../../api/app.js';
import { migrate, openOrm } from '../../db/orm.js';
import { createDatabaseIfMissing } from '../../infra/services.js';
import { ProcedureRegistry, publishShippedProcedures } from '../../registry/published.js';
import { CalendarStore, SHIPPED_CALENDAR } from '../../registry/calendars.js';
import { loadConfig } from '../../infra/config.js';
import { createWorker } from '../../worker.js';

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export interface TestStack {
  id: string;
  app: FastifyInstance;
  client: Client;
  orm: MikroORM;
  redis: Redis;
  procedures: ProcedureRegistry;
  calendars: CalendarStore;
  taskQueue: string;
  databaseUrl: string;
  temporalAddress: string;
  workflowBundlePath: string;
  worker?: Worker;
  /** Starts a worker in this process (tests that kill workers start their own in a child process). */
  startWorker(): Promise<Worker>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function dropDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = parsed.pathname.slice(1);
  parsed.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: parsed.href });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

export async function createTestStack(options: { worker?: boolean } = {}): Promise<TestStack> {
  quietRuntime();
  const id = randomBytes(4).toString('hex');
  const base = new URL(inject('databaseUrl'));
  base.pathname = `/mohla_t_${id}`;
  const databaseUrl = base.href;
  await createDatabaseIfMissing(databaseUrl);
  const orm = await openOrm(databaseUrl, { pool: { min: 0, max: 5 } });
  await migrate(orm);
  const temporalAddress = inject('temporalAddress');
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const redis = new Redis(inject('redisUrl'), { keyPrefix: `mohla-test:${id}:` });
  const procedures = new ProcedureRegistry(orm);
  const refused = await publishShippedProcedures(procedures, loadConfig().proceduresDir);
  if (refused.length) throw new Error(`shipped procedures refused: ${JSON.stringify(refused)}`);
  const taskQueue = `test-${id}`;
  const calendars = new CalendarStore(orm);
  await calendars.loadShipped(SHIPPED_CALENDAR);
  const app = await buildApp({ temporal: client, taskQueue, orm, redis, procedures, calendars });
  const workflowBundlePath = inject('workflowBundlePath');

  let nativeConnection: NativeConnection | undefined;
  let running: Promise<void> | undefined;
  const stack: TestStack = {
    id,
    app,
    client,
    orm,
    redis,
    procedures,
    calendars,
    taskQueue,
    databaseUrl,
    temporalAddress,
    workflowBundlePath,
    async startWorker() {
      nativeConnection ??= await NativeConnection.connect({ address: temporalAddress });
      const worker = await createWorker({
        connection: nativeConnection,
        orm,
        taskQueue,
        workflowBundle: { codePath: workflowBundlePath },
      });
      stack.worker = worker;
      running = worker.run();
      return worker;
    },
    async stopWorker() {
      if (stack.worker && stack.worker.getState() === 'RUNNING') stack.worker.shutdown();
      await running;
      stack.worker = undefined;
    },
    async close() {
      await stack.stopWorker();
      await app.close();
      redis.disconnect();
      await orm.close(true);
      await connection.close();
      await nativeConnection?.close();
      await dropDatabase(databaseUrl);
    },
  };
  if (options.worker !== false) await stack.startWorker();
  return stack;
}

/** Polls until `probe` returns a value (eventual consistency: Temporal visibility, projections). */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
