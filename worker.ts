/**
 * The composition root of the Temporal worker process: connects to PostgreSQL, runs the procedure worker
 * (worker/procedure-worker.ts) with the notification worker beside it, answers its health checks on
 * WORKER_HEALTH_PORT, reports to Prometheus (METRICS_PORT; the SDK's own figures on WORKER_SDK_METRICS_PORT),
 * and signs audit checkpoints.
 */
import { Runtime } from '@temporalio/worker';
import { env, loadConfig } from './infra/config.js';
import { createLogger } from './infra/logger.js';
import { loggableError, loggableMessage } from './infra/log-redaction.js';
import { startTracing } from './infra/tracing.js';
import { coreLogging, WorkerLogger } from './infra/worker-logger.js';
import { openOrm } from './db/orm.js';
import { loadNotificationSettings } from './notifications/config.js';
import { checkpointStore, scheduleCheckpoints } from './audit/checkpoint.js';
import { startProcedureWorker } from './worker/procedure-worker.js';
import { startWorkerHealth } from './worker/health-listener.js';
import { openWorkerMetrics, workerTelemetryOptions } from './infra/worker-telemetry.js';

/** At info until the configuration, which checks LOG_LEVEL, is read: a refused configuration is still logged. */
const log = createLogger('mohla-worker', 'info');
import { issuingSetup } from './worker/issuing.js';

async function main(): Promise<void> {
  const config = loadConfig();
  log.level = config.logLevel;
  // Before the worker exists: its interceptors and the workflow's span sink take the registered tracing.
  const tracing = startTracing('mohla-worker', config.tracing);
  // The SDK's metrics (worker-telemetry.ts) and its core's log lines, forwarded to the JSON log.
  Runtime.install({ logger: new WorkerLogger(log), telemetryOptions: { ...workerTelemetryOptions(config).telemetryOptions, logging: coreLogging(config.logLevel) } });
  // Before connecting: production without a signing key stops here, with the variable named.
  const checkpoints = checkpointStore(config);
  const orm = await openOrm(config.databaseUrl);
  const bundlePath = env('MOHLA_WORKFLOW_BUNDLE');
  const notificationSettings = loadNotificationSettings(config);
  const metrics = await openWorkerMetrics(config).catch(async (err: unknown) => {
    await orm.close();
    throw err;
  });
  try {
    const procedureWorker = await startProcedureWorker({
      address: config.temporal.address,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      orm,
      codecKeys: config.codecKeys,
      notifications: notificationSettings,
      delivery: { settings: notificationSettings, log: (line) => log.info({ component: 'notifications' }, line) },
      workflowBundle: bundlePath ? { codePath: bundlePath } : undefined,
      cachedApplications: config.worker.cachedApplications,
      metrics: metrics.registry,
      incidentAttempts: config.worker.incidentAttempts,
      serviceEndpoints: config.worker.serviceEndpoints,
      documents: issuingSetup(config),
    });
    // Opened after the worker starts and closed after it stops: while it drains, ready answers 503.
    const health = config.worker.healthPort
      ? await startWorkerHealth({ host: config.http.host, port: config.worker.healthPort, worker: procedureWorker.worker, orm, log: (line) => log.warn(line) }).catch(async (err: unknown) => {
          await procedureWorker.stop();
          throw err;
        })
      : undefined;
    const stopCheckpoints = scheduleCheckpoints(orm, checkpoints, config.audit.checkpointMinutes, (line) => log.info({ component: 'audit' }, line));
    log.info(`worker polling ${config.temporal.taskQueue} on ${config.temporal.address}${health ? `, health on port ${health.port}` : ''}${metrics.listener ? `, metrics on ${metrics.listener.url}` : ''}`);
    try {
      await procedureWorker.running;
    } finally {
      await stopCheckpoints();
      await procedureWorker.stop();
      await health?.close();
    }
  } finally {
    await metrics.listener?.close();
    await orm.close();
    await tracing?.shutdown();
  }
}

main().catch((err) => {
  log.fatal({ err: loggableError(err) }, loggableMessage(err instanceof Error ? err.message : String(err)));
  process.exit(1);
});
