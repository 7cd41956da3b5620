/**
 * A Temporal worker in its own process, for the benchmarks: Mohla's worker (activities, projections,
 * notification hand-over) or the baseline's. Its own process so that its memory is its own and it gets
 * a core of its own, as in production. Configured by one JSON argument; answers `memory` messages.
 */
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { openOrm } from '../db/orm.js';
import { startProcedureWorker } from '../worker/procedure-worker.js';
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
const { codecKeys } = loadConfig();
let worker: Worker;
let running: Promise<void>;
let close: () => Promise<void>;
if (options.kind === 'mohla') {
  const orm = await openOrm(options.databaseUrl ?? '', { pool: { min: 0, max: 20 } });
  const procedureWorker = await startProcedureWorker({
    address: options.address,
    taskQueue: options.taskQueue,
    orm,
    codecKeys,
    notifications: { redisUrl: options.redisUrl ?? '', prefix: options.queuePrefix ?? 'mohla-bench', attempts: 3, backoffMs: 1000 },
    workflowBundle: { codePath: options.bundlePath },
    cachedApplications: options.cachedApplications,
  });
  ({ worker, running } = procedureWorker);
  close = async () => {
    await procedureWorker.stop();
    await orm.close(true);
  };
} else {
  // Bare Temporal, but its payloads go through Mohla's data converter: encrypting is part of what an
  // application costs, and the comparison is of the rest.
  const connection = await NativeConnection.connect({ address: options.address });
  worker = await Worker.create({ connection, taskQueue: options.taskQueue, workflowBundle: { codePath: options.bundlePath }, dataConverter: temporalDataConverter(codecKeys) });
  running = worker.run();
  close = () => connection.close();
}

process.on('message', (message: unknown) => {
  if (message === 'memory') {
    const m = process.memoryUsage();
    process.send?.({ memory: { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external }, cachedWorkflows: worker.getStatus().numCachedWorkflows });
  } else if (message === 'stop') {
    worker.shutdown();
  }
});

process.send?.({ ready: true });
await running;
await close();
process.exit(0);
