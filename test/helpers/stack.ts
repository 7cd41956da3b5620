/**
 * One test file's slice of the real stack: its own PostgreSQL database (migrated), its own Redis key
 * prefix, its own Temporal task queue and worker, and the API built on them.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Client, Connection } from '@temporalio/client';
import { historiesFromServer, replayHistories, type RecordedHistory } from '../../audit/replay.js';
import { PROCEDURE_WORKFLOW } from '../../workflows/messages.js';
import { Runtime, type Worker } from '@temporalio/worker';
import { WorkerLogger } from '../../infra/worker-logger.js';
import { createLogger } from '../../infra/logger.js';
import type { ChildProcess } from 'node:child_process';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { stopChild } from '../../infra/temporal-server.js';
import { freePort } from './ports.js';
import { answerGuard, type AnswerGuard } from './answer-guard.js';
import { startApiProcess, startWorkerProcess } from './worker-process.js';
import { TEST_SECRET } from './secret.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { buildApp } from '../../api/app.js';
import { buildMetricsEndpoint } from '../../infra/metrics-endpoint.js';
import { registerBusinessMetrics } from '../../db/business-metrics.js';
import { registerQueueDepthMetrics } from '../../notifications/queue-metrics.js';
import { createMetricsRegistry } from '../../infra/metrics.js';
import type { ApiContext } from '../../api/context.js';
import { openOrm } from '../../db/orm.js';
import { migrateAsAdministrator } from '../../db/roles.js';
import { createDatabaseIfMissing, dropDatabase } from '../../infra/services.js';
import type { ProcedureRegistry } from '../../registry/published.js';
import { loadReferenceData } from '../../registry/reference-data.js';
import type { CalendarStore } from '../../registry/calendars.js';
import { loadConfig, PROJECT_ROOT } from '../../infra/config.js';
import { apiConnectionOptions } from '../../infra/temporal-connection.js';
import { codecOf, temporalDataConverter } from '../../infra/data-converter.js';
import { startProcedureWorker, type ProcedureWorker } from '../../worker/procedure-worker.js';
import { NotificationQueues } from '../../notifications/queues.js';
import { FileSystemStorage } from '../../documents/storage.js';
import { issueToken, type Principal, type Role } from '../../identity/tokens.js';
import type { Office } from '../../registry/offices.js';

export { TEST_SECRET };

/** A bearer token for a caller of the given role (staff belong to the given offices). */
export async function tokenFor(role: Role, sub: string = `${role}-1`, offices: string[] = []): Promise<string> {
  const principal: Principal = { sub, role, offices };
  return issueToken(TEST_SECRET, principal);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // Through process.stdout rather than straight to its file descriptor, so a test can read what was logged.
  Runtime.install({ logger: new WorkerLogger(createLogger('mohla-worker', 'warn', process.stdout)) });
}

export interface TestStack {
  id: string;
  app: FastifyInstance;
  /**
   * Calls Mohla's API: the in-process app, or on the cluster tier the API processes taken in turn, so one
   * person's successive calls land on different processes.
   */
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  client: Client;
  /** The administrator's connection, for the tests' own reads and for tampering as an insider would. */
  orm: MikroORM;
  /** Mohla's own role (a member of mohla_app), as the API and the worker connect. */
  appOrm: MikroORM;
  redis: Redis;
  procedures: ProcedureRegistry;
  calendars: CalendarStore;
  /** The office directory the API files against: the shipped offices, and those a test adds (addOffice). */
  offices: Office[];
  storage: FileSystemStorage;
  taskQueue: string;
  /** As Mohla's role, what DATABASE_URL would be (child processes get it). */
  databaseUrl: string;
  /** As the administrator, what DATABASE_ADMIN_URL would be. */
  adminDatabaseUrl: string;
  temporalAddress: string;
  workflowBundlePath: string;
  /** The Redis of this file's notification queues. */
  redisUrl: string;
  /** This file's notification queues (their own Redis prefix), which the worker's activities fill. */
  notifications: NotificationQueues;
  worker?: Worker;
  /**
   * Starts a worker in this process (tests that kill workers start their own in a child process), keeping
   * at most `cachedApplications` applications in memory when given (WORKER_CACHED_APPLICATIONS).
   */
  startWorker(cachedApplications?: number): Promise<Worker>;
  stopWorker(): Promise<void>;
  /**
   * The cluster tier's API and worker processes: stopped as an operator stops them (before a backup),
   * and started again as they were; `apiUrls` are where the API processes listen.
   */
  processes?: { apiUrls: string[]; stop(): Promise<void>; start(): Promise<void> };
  /**
   * Notes every answer of `app` that is not what its route declares (see answer-guard.ts); a test that
   * builds an app of its own has it watched too (`answers.watch(app)`). Closing the stack fails on any.
   */
  answers: AnswerGuard;
  /** The API's Prometheus endpoint (what METRICS_PORT serves, counting `app`'s requests) and the token it asks for. */
  metrics: { endpoint: FastifyInstance; token: string };
  close(): Promise<void>;
}

export interface TestStackOptions {
  worker?: boolean;
  /** Another Redis for the notification queues (a test that stops and restarts its own). */
  notificationRedisUrl?: string;
  /** Another Temporal server (a test that restarts its own). */
  temporalAddress?: string;
  /**
   * The id of a stack whose deployment this one takes over after a restore: the same task queue, queue
   * prefix and processes' data folder, as a restored installation keeps its configuration.
   */
  id?: string;
  /** As the administrator, an existing database (a restored one) to run on instead of a new one. */
  adminDatabaseUrl?: string;
}

export async function createTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  quietRuntime();
  const id = options.id ?? randomBytes(4).toString('hex');
  const base = new URL(options.adminDatabaseUrl ?? inject('databaseUrl'));
  if (!options.adminDatabaseUrl) base.pathname = `/mohla_t_${id}`;
  const adminDatabaseUrl = base.href;
  // Mohla's role for the tests, shared by every test database of the server (roles are server-wide).
  base.username = 'mohla_test_app';
  const databaseUrl = base.href;
  await createDatabaseIfMissing(adminDatabaseUrl);
  await migrateAsAdministrator(adminDatabaseUrl, databaseUrl);
  const orm = await openOrm(adminDatabaseUrl, { pool: { min: 0, max: 5 } });
  const appOrm = await openOrm(databaseUrl, { pool: { min: 0, max: 5 } });
  const temporalAddress = options.temporalAddress ?? inject('temporalAddress');
  const connection = await Connection.connect(apiConnectionOptions(temporalAddress));
  // The development keys, as the tests' worker processes (which load the configuration) use.
  const codecKeys = loadConfig().codecKeys;
  const client = new Client({ connection, dataConverter: temporalDataConverter(codecKeys) });
  const redis = new Redis(inject('redisUrl'), { keyPrefix: `mohla-test:${id}:` });
  // Short retries: a test watches a message fail and come back in seconds, not in an hour.
  const notificationRedisUrl = options.notificationRedisUrl ?? inject('redisUrl');
  const notifications = new NotificationQueues({ redisUrl: notificationRedisUrl, prefix: `mohla-test-${id}`, attempts: 3, backoffMs: 200 });
  const { procedures, calendars, offices, refused } = await loadReferenceData(appOrm, loadConfig().proceduresDir);
  if (refused.length) throw new Error(`shipped procedures refused: ${JSON.stringify(refused)}`);
  const taskQueue = `test-${id}`;
  const storage = new FileSystemStorage(mkdtempSync(path.join(os.tmpdir(), `mohla-documents-${id}-`)));
  const metricsRegistry = createMetricsRegistry();
  registerBusinessMetrics(metricsRegistry, appOrm);
  registerQueueDepthMetrics(metricsRegistry, notifications);
  const metricsToken = randomBytes(32).toString('hex');
  const metrics = { endpoint: buildMetricsEndpoint(metricsRegistry, metricsToken), token: metricsToken };
  const app = await buildApp({ metrics: metricsRegistry, temporal: client, taskQueue, orm: appOrm, redis, procedures, calendars, offices, storage, notifications, secret: TEST_SECRET, demoSignIn: true });
  const answers = answerGuard();
  answers.watch(app);
  const workflowBundlePath = inject('workflowBundlePath');

  let procedureWorker: ProcedureWorker | undefined;
  const stack: TestStack = {
    id,
    app,
    client,
    orm,
    appOrm,
    redis,
    procedures,
    calendars,
    offices,
    storage,
    taskQueue,
    databaseUrl,
    adminDatabaseUrl,
    temporalAddress,
    workflowBundlePath,
    redisUrl: notificationRedisUrl,
    notifications,
    request: (options) => app.inject(options),
    answers,
    metrics,
    async startWorker(cachedApplications?: number) {
      // The file's own queues: its API hands messages over to the same ones, and the stack closes them.
      procedureWorker = await startProcedureWorker({
        address: temporalAddress,
        taskQueue,
        orm: appOrm,
        codecKeys,
        notifications,
        workflowBundle: { codePath: workflowBundlePath },
        cachedApplications,
        documents: { storage, offices, publicUrl: 'http://localhost:3000' },
      });
      stack.worker = procedureWorker.worker;
      return procedureWorker.worker;
    },
    async stopWorker() {
      await procedureWorker?.stop();
      procedureWorker = undefined;
      stack.worker = undefined;
    },
    async close() {
      // Every history a test file produced must replay against the current workflow code.
      const failures = await replayTaskQueue(client, taskQueue, workflowBundlePath);
      await stack.stopWorker();
      await metrics.endpoint.close();
      await app.close();
      redis.disconnect();
      await notifications.obliterate().catch(() => undefined);
      await notifications.close();
      await appOrm.close(true);
      await orm.close(true);
      await connection.close();
      await dropDatabase(adminDatabaseUrl);
      const problems = [
        ...(failures.length ? [`histories that no longer replay:\n${failures.join('\n')}`] : []),
        ...(answers.failures.length ? [`answers that are not what their routes declare:\n${answers.failures.join('\n')}`] : []),
      ];
      if (problems.length) throw new Error(problems.join('\n'));
    },
  };
  if (inject('cluster')) {
    // The production shape: two worker processes on the task queue and two API processes behind the calls.
    const workers: ChildProcess[] = [];
    const apis: ChildProcess[] = [];
    stack.startWorker = async () => {
      workers.push(await startWorkerProcess(stack), await startWorkerProcess(stack));
      return undefined as unknown as Worker;
    };
    const ports = [await freePort(), await freePort()];
    const startApis = async () => {
      for (const port of ports) apis.push(await startApiProcess(stack, port));
    };
    await startApis();
    let turn = 0;
    stack.request = (options) => requestOverHttp(`http://127.0.0.1:${ports[turn++ % ports.length]}`, options);
    const stopAll = () => Promise.all([...apis.splice(0), ...workers.splice(0)].map((child) => stopChild(child)));
    let workersStopped = false;
    stack.processes = {
      apiUrls: ports.map((port) => `http://127.0.0.1:${port}`),
      stop: async () => {
        workersStopped = workers.length > 0;
        await stopAll();
      },
      start: async () => {
        if (workersStopped) await stack.startWorker();
        await startApis();
      },
    };
    const close = stack.close;
    stack.close = async () => {
      await stopAll();
      await close();
    };
  }
  if (options.worker !== false) await stack.startWorker();
  return stack;
}

/** fastify's inject, over real HTTP: the same options in, the same kind of answer out. */
async function requestOverHttp(base: string, options: InjectOptions): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[name] = String(value);
  let body: string | Buffer | undefined;
  const payload = options.payload ?? options.body;
  if (Buffer.isBuffer(payload) || typeof payload === 'string') body = payload;
  else if (payload !== undefined) {
    body = JSON.stringify(payload);
    headers['content-type'] ??= 'application/json';
  }
  const url = typeof options.url === 'string' ? options.url : String(options.path ?? '/');
  const res = await fetch(`${base}${url}`, { method: options.method ?? 'GET', headers, body });
  const text = await res.text();
  const answer = {
    statusCode: res.status,
    headers: Object.fromEntries(res.headers.entries()),
    body: text,
    payload: text,
    json: () => JSON.parse(text),
  };
  return answer as unknown as LightMyRequestResponse;
}

/**
 * The API's dependencies on this stack, as `buildApp` takes them, for a test that builds an app of its own
 * (another identity provider, another policy); `changes` replace what the test varies.
 */
export function apiContext(stack: TestStack, changes: Partial<ApiContext> = {}): ApiContext {
  return {
    temporal: stack.client,
    taskQueue: stack.taskQueue,
    orm: stack.orm,
    redis: stack.redis,
    procedures: stack.procedures,
    calendars: stack.calendars,
    offices: stack.offices,
    storage: stack.storage,
    notifications: stack.notifications,
    secret: TEST_SECRET,
    ...changes,
  };
}

/**
 * A closed application's workflow runs on to issue the decision's document: its history is compared
 * once that is done, not half-way (a replay of a history cut mid-task would run ahead of it). Bounded:
 * an application whose worker a test stopped does not hold the file's end; how many are left is said.
 */
async function settleClosedApplications(client: Client, taskQueue: string, timeoutMs = 60_000): Promise<number> {
  const query = `WorkflowType = '${PROCEDURE_WORKFLOW}' AND TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running' AND MohlaStatus = 'closed'`;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { count } = await client.workflow.count(query);
    if (count === 0 || Date.now() >= until) return count;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Replays every application of a task queue (and checks its outcome); one line per history that fails. */
async function replayTaskQueue(client: Client, taskQueue: string, workflowBundlePath: string): Promise<string[]> {
  const unsettled = await settleClosedApplications(client, taskQueue);
  const histories: RecordedHistory[] = [];
  for await (const recorded of historiesFromServer(client, PROCEDURE_WORKFLOW, `TaskQueue = '${taskQueue}'`)) histories.push(recorded);
  // Said first, so that the "running recorded" lines below read as what they are: a test stopped its worker too early.
  const failures: string[] = unsettled ? [`${unsettled} closed application(s) still issuing their document when the file ended: wait for their workflow's result before stopping the worker`] : [];
  for await (const report of replayHistories(histories, { codePath: workflowBundlePath }, codecOf(client))) {
    if (report.ok) continue;
    // Kept for whoever investigates: `mohla replay --file` replays it offline.
    const saved = path.join(PROJECT_ROOT, 'test-results', `nondeterministic-${report.workflowId}.json`);
    mkdirSync(path.dirname(saved), { recursive: true });
    const history = histories.find((h) => h.workflowId === report.workflowId)?.history;
    writeFileSync(saved, history ? historyToJSON(history) : 'null');
    const why = report.problem?.message ?? `outcome ${report.recordedOutcome} recorded, ${report.replayedOutcome} replayed`;
    failures.push(`${report.workflowId} (history in ${saved}): ${why}`);
  }
  return failures;
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


/** Calls the API as a given person: every request carries that person's bearer token. */
export function as(stack: TestStack, token: string) {
  return (options: InjectOptions) => stack.request({ ...options, headers: { ...bearer(token), ...(options.headers ?? {}) } });
}

/**
 * Adds an office to this test file's directory (filings name an office of the directory), so that each
 * test can have an inbox of its own.
 */
export function addOffice(stack: TestStack, id: string, kind: Office['kind'] = 'annex'): void {
  if (!stack.offices.some((o) => o.id === id)) stack.offices.push({ id, kind, name: { ar: id, fr: id, en: id } });
}

/** A citizen, an agent and a supervisor of one office (added to the directory), ready to call the API. */
export async function people(stack: TestStack, office: string) {
  addOffice(stack, office);
  return {
    office,
    citizen: as(stack, await tokenFor('citizen', `citizen-${office}`)),
    agent: as(stack, await tokenFor('agent', `agent-${office}`, [office])),
    supervisor: as(stack, await tokenFor('supervisor', `supervisor-${office}`, [office])),
    citizenId: `citizen-${office}`,
    agentId: `agent-${office}`,
    supervisorId: `supervisor-${office}`,
  };
}
