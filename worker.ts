/**
 * The composition root of the Temporal worker process: connects to Temporal and PostgreSQL, builds the
 * activities and runs the procedure workflow. `mohla dev` and the tests build theirs with `createWorker`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createActivities } from './activities/index.js';
import { env, loadConfig } from './infra/config.js';
import { temporalDataConverter } from './infra/data-converter.js';
import { auditSinks, workflowSource } from './infra/workflow-sandbox.js';
import type { CodecKey } from './infra/payload-codec.js';
import { sdkLogLevel, WorkerLogger } from './infra/worker-logger.js';
import { CalendarStore, SHIPPED_CALENDAR } from './registry/calendars.js';
import { openOrm } from './db/orm.js';
import { loadNotificationSettings } from './notifications/config.js';
import { NotificationQueues } from './notifications/queues.js';
import { NotificationWorker } from './notifications/worker.js';
import { checkpointStore, scheduleCheckpoints } from './audit/checkpoint.js';

export interface WorkerSetup {
  connection: NativeConnection;
  orm: MikroORM;
  taskQueue: string;
  namespace?: string;
  /** The payload codec's keys (TEMPORAL_CODEC_KEYS): what the worker writes to Temporal is encrypted. */
  codecKeys: readonly CodecKey[];
  /** A prebuilt bundle (tests build one per run); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  options?: Partial<WorkerOptions>;
  /** Where the projection activity hands notify commands over (otherwise the relay does). */
  notifications?: NotificationQueues;
  /** The sticky cache's size (WORKER_CACHED_APPLICATIONS); the SDK sizes it on the heap otherwise. */
  cachedApplications?: number;
}

export async function createWorker(setup: WorkerSetup): Promise<Worker> {
  const calendars = new CalendarStore(setup.orm);
  await calendars.loadShipped(SHIPPED_CALENDAR);
  return Worker.create({
    connection: setup.connection,
    namespace: setup.namespace ?? 'default',
    taskQueue: setup.taskQueue,
    activities: createActivities({ orm: setup.orm, calendars, notifications: setup.notifications }),
    sinks: auditSinks(),
    dataConverter: temporalDataConverter(setup.codecKeys),
    ...(setup.cachedApplications ? { maxCachedWorkflows: setup.cachedApplications } : {}),
    ...workflowSource(setup.workflowBundle),
    ...setup.options,
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  Runtime.install({ logger: new WorkerLogger(sdkLogLevel(config.logLevel)) });
  // Before connecting: production without a signing key stops here, with the variable named.
  const checkpoints = checkpointStore(config);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const orm = await openOrm(config.databaseUrl);
  const bundlePath = env('MOHLA_WORKFLOW_BUNDLE');
  const notificationSettings = loadNotificationSettings(config);
  const notifications = new NotificationQueues(notificationSettings);
  const notifier = new NotificationWorker({ orm, settings: notificationSettings, queues: notifications }).start();
  const worker = await createWorker({
    connection,
    orm,
    taskQueue: config.temporal.taskQueue,
    namespace: config.temporal.namespace,
    workflowBundle: bundlePath ? { codePath: bundlePath } : undefined,
    notifications,
    cachedApplications: config.worker.cachedApplications,
    codecKeys: config.codecKeys,
  });
  const stopCheckpoints = scheduleCheckpoints(orm, checkpoints, config.audit.checkpointMinutes, console.log);
  console.log(`worker polling ${config.temporal.taskQueue} on ${config.temporal.address}`);
  try {
    await worker.run();
  } finally {
    await stopCheckpoints();
    await notifier.close();
    await notifications.close();
    await orm.close();
    await connection.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
