/**
 * A Temporal worker in its own process, for the benchmarks: Mohla's worker (activities, projections,
 * notification hand-over) or the baseline's. Its own process so that its memory is its own and it gets
 * a core of its own, as in production. Configured by one JSON argument; answers `memory` messages.
 */
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { openOrm } from '../db/orm.js';
import { NotificationQueues } from '../notifications/queues.js';
import { createWorker } from '../worker.js';
import { WorkerLogger } from '../infra/worker-logger.js';
import { loadConfig } from '../infra/config.js';
import { temporalDataConverter } from '../infra/data-converter.js';

export interface WorkerProcessOptions {
  kind: 'mohla' | 'baseline';
  address: string;
  taskQueue: string;
  bundlePath: string;
  databaseUrl?: string;
  redisUrl?: string;
  queuePrefix?: string;
  cachedApplications?: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as WorkerProcessOptions;
Runtime.install({ logger: new WorkerLogger('WARN') });
const connection = await NativeConnection.connect({ address: options.address });
const { codecKeys } = loadConfig();
let worker: Worker;
let close = async () => undefined as void;
if (options.kind === 'mohla') {
  const orm = await openOrm(options.databaseUrl ?? '', { pool: { min: 0, max: 20 } });
  const notifications = new NotificationQueues({ redisUrl: options.redisUrl ?? '', prefix: options.queuePrefix ?? 'mohla-bench', attempts: 3, backoffMs: 1000 });
  worker = await createWorker({ connection, orm, taskQueue: options.taskQueue, workflowBundle: { codePath: options.bundlePath }, notifications, cachedApplications: options.cachedApplications, codecKeys });
  close = async () => {
    await notifications.close();
    await orm.close(true);
  };
} else {
  // Bare Temporal, but its payloads go through Mohla's data converter: encrypting is part of what an
  // application costs, and the comparison is of the rest.
  worker = await Worker.create({ connection, taskQueue: options.taskQueue, workflowBundle: { codePath: options.bundlePath }, dataConverter: temporalDataConverter(codecKeys) });
}

process.on('message', (message: unknown) => {
  if (message === 'memory') {
    const m = process.memoryUsage();
    process.send?.({ memory: { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external }, cachedWorkflows: worker.getStatus().numCachedWorkflows });
  } else if (message === 'stop') {
    worker.shutdown();
  }
});

const running = worker.run();
process.send?.({ ready: true });
await running;
await close();
await connection.close();
process.exit(0);
