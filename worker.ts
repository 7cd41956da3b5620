/**
 * The composition root of the Temporal worker process: connects to PostgreSQL, runs the procedure worker
 * (worker/procedure-worker.ts) with the notification worker beside it, answers its health checks on
 * WORKER_HEALTH_PORT, and signs audit checkpoints.
 */
import { Runtime } from '@temporalio/worker';
import { env, loadConfig } from './infra/config.js';
import { sdkLogLevel, WorkerLogger } from './infra/worker-logger.js';
import { openOrm } from './db/orm.js';
import { loadNotificationSettings } from './notifications/config.js';
import { checkpointStore, scheduleCheckpoints } from './audit/checkpoint.js';
import { startProcedureWorker } from './worker/procedure-worker.js';
import { startWorkerHealth } from './worker/health-listener.js';
import { issuingSetup } from './worker/issuing.js';

async function main(): Promise<void> {
  const config = loadConfig();
  Runtime.install({ logger: new WorkerLogger(sdkLogLevel(config.logLevel)) });
  // Before connecting: production without a signing key stops here, with the variable named.
  const checkpoints = checkpointStore(config);
  const orm = await openOrm(config.databaseUrl);
  const bundlePath = env('MOHLA_WORKFLOW_BUNDLE');
  const notificationSettings = loadNotificationSettings(config);
  try {
    const procedureWorker = await startProcedureWorker({
      address: config.temporal.address,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      orm,
      codecKeys: config.codecKeys,
      notifications: notificationSettings,
      delivery: { settings: notificationSettings },
      workflowBundle: bundlePath ? { codePath: bundlePath } : undefined,
      cachedApplications: config.worker.cachedApplications,
      documents: issuingSetup(config),
    });
    // Opened after the worker starts and closed after it stops: while it drains, ready answers 503.
    const health = config.worker.healthPort
      ? await startWorkerHealth({ host: config.http.host, port: config.worker.healthPort, worker: procedureWorker.worker, orm, log: console.warn }).catch(async (err: unknown) => {
          await procedureWorker.stop();
          throw err;
        })
      : undefined;
    const stopCheckpoints = scheduleCheckpoints(orm, checkpoints, config.audit.checkpointMinutes, console.log);
    console.log(`worker polling ${config.temporal.taskQueue} on ${config.temporal.address}${health ? `, health on port ${health.port}` : ''}`);
    try {
      await procedureWorker.running;
    } finally {
      await stopCheckpoints();
      await procedureWorker.stop();
      await health?.close();
    }
  } finally {
    await orm.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
