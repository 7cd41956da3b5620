/**
 * The procedure worker assembled, as the worker process, `mohla dev`, the tests and the bench each run it:
 * a Temporal worker with the procedure workflow in its sandbox and the activities, whose projection hands
 * notify commands over to the notification queues, and, where the process sends messages itself, the
 * notification worker that delivers them.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { temporalDataConverter } from '../infra/data-converter.js';
import type { CodecKey } from '../infra/payload-codec.js';
import { auditSinks, workflowSource } from '../infra/workflow-sandbox.js';
import type { NotificationSettings } from '../notifications/config.js';
import { NotificationQueues, type QueueSettings } from '../notifications/queues.js';
import { NotificationWorker } from '../notifications/worker.js';
import { CalendarStore, SHIPPED_CALENDAR } from '../registry/calendars.js';
import type { Registry } from '../infra/metrics.js';
import { registerDeliveryMetrics } from '../notifications/delivery-metrics.js';
import { DEFAULT_INCIDENT_ATTEMPTS, watchWorkflowTaskFailures } from './incidents.js';
import { workerInterceptors } from './interceptors.js';
import type { DocumentStorage } from '../documents/storage.js';
import type { PadesSigner } from '../documents/pades.js';
import type { Office } from '../registry/offices.js';

interface ProcedureWorkerSetup {
  /** Temporal's frontend (host:port): the worker's own connection, closed when it stops. */
  address: string;
  namespace?: string;
  taskQueue: string;
  orm: MikroORM;
  /** The payload codec's keys (TEMPORAL_CODEC_KEYS): what the worker writes to Temporal is encrypted. */
  codecKeys: readonly CodecKey[];
  /**
   * Where the projection activity hands notify commands over: queues opened here from their settings
   * (closed when the worker stops), or queues already open, which their owner closes (a test's API
   * shares its queues with the worker).
   */
  notifications: QueueSettings | NotificationQueues;
  /**
   * Delivers what the queues hold from this process too, with these providers (the worker process,
   * `mohla dev`); the tests and the bench leave delivery to a notification worker of their own, or none.
   */
  delivery?: { settings: NotificationSettings; log?: (line: string) => void };
  /** Where issued documents are kept, the office directory they name offices from, and the address they are verified at. */
  documents?: { storage: DocumentStorage; offices: readonly Office[]; publicUrl: string; pades?: PadesSigner };
  /** A prebuilt bundle (tests, bench, the image); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The sticky cache's size (WORKER_CACHED_APPLICATIONS); the SDK sizes it on the heap otherwise. */
  cachedApplications?: number;
  /** The process's Prometheus registry: notification sends and projection lag are counted into it. */
  metrics?: Registry;
  /** Attempts of one activity before it is recorded as an incident (WORKER_INCIDENT_ATTEMPTS); 5 otherwise. */
  incidentAttempts?: number;
  /** Service activities answered by a remote system (SERVICE_ENDPOINTS): activity → URL. */
  serviceEndpoints?: Readonly<Record<string, string>>;
}

export interface ProcedureWorker {
  worker: Worker;
  /** Settles when the worker has stopped polling: after stop(), or once the SDK's runtime shuts it down on a signal. */
  running: Promise<void>;
  /** Stops polling, waits for the tasks in hand, then closes what the worker opened, in reverse order. */
  stop(): Promise<void>;
}

/** Starts polling the task queue; what it opened is closed again if it cannot start. */
export async function startProcedureWorker(setup: ProcedureWorkerSetup): Promise<ProcedureWorker> {
  const closes: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    // Emptied as it goes: a second stop() has nothing left to close.
    for (const close of closes.splice(0).reverse()) await close();
  };
  try {
    const queues = setup.notifications instanceof NotificationQueues ? setup.notifications : new NotificationQueues(setup.notifications);
    if (queues !== setup.notifications) closes.push(() => queues.close());
    if (setup.delivery) {
      const metrics = setup.metrics ? registerDeliveryMetrics(setup.metrics) : undefined;
      const notifier = new NotificationWorker({ orm: setup.orm, settings: setup.delivery.settings, queues, log: setup.delivery.log, metrics }).start();
      closes.push(() => notifier.close());
    }
    const connection = await NativeConnection.connect({ address: setup.address });
    closes.push(() => connection.close());
    const calendars = new CalendarStore(setup.orm);
    await calendars.loadShipped(SHIPPED_CALENDAR);
    const worker = await Worker.create({
      connection,
      namespace: setup.namespace ?? 'default',
      taskQueue: setup.taskQueue,
      activities: createActivities({ orm: setup.orm, calendars, notifications: queues, serviceEndpoints: setup.serviceEndpoints, ...setup.documents }),
      sinks: auditSinks(),
      interceptors: workerInterceptors({ metrics: setup.metrics, incidents: { orm: setup.orm, attempts: setup.incidentAttempts ?? DEFAULT_INCIDENT_ATTEMPTS }, prebuiltBundle: Boolean(setup.workflowBundle) }),
      dataConverter: temporalDataConverter(setup.codecKeys),
      ...(setup.cachedApplications ? { maxCachedWorkflows: setup.cachedApplications } : {}),
      ...workflowSource(setup.workflowBundle),
    });
    const stopWatching = watchWorkflowTaskFailures(worker, connection, setup.namespace ?? 'default', setup.orm);
    closes.push(async () => stopWatching());
    const running = worker.run();
    return {
      worker,
      running,
      async stop() {
        // The SDK's runtime may already have begun the shutdown on Ctrl-C.
        if (worker.getState() === 'RUNNING') worker.shutdown();
        try {
          await running;
        } finally {
          await closeAll();
        }
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
