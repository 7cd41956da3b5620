/**
 * The HTTP API opened from the configuration and listening: its own process in production
 * (api/server.ts), in-process under `mohla dev`.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../infra/config.js';
import { apiClientInterceptors, apiConnectionOptions } from '../infra/temporal-connection.js';
import { openOrm } from '../db/orm.js';
import type { Calendar } from '../engine/calendar.js';
import { loadReferenceData } from '../registry/reference-data.js';
import { signalAffectedApplications } from './calendar-signals.js';
import { buildApp } from './app.js';
import { listenForMetrics, type MetricsListener } from '../infra/metrics-endpoint.js';
import { registerBusinessMetrics } from '../db/business-metrics.js';
import { registerQueueDepthMetrics } from '../notifications/queue-metrics.js';
import { createMetricsRegistry } from '../infra/metrics.js';
import { temporalDataConverter } from '../infra/data-converter.js';
import { FileSystemStorage } from '../documents/storage.js';
import { documentKeyRing, documentPublicUrl } from '../documents/key-ring.js';
import { padesSigner } from '../documents/pades.js';
import { loadQueueSettings } from '../notifications/config.js';
import { NotificationQueues } from '../notifications/queues.js';

export interface RunningApi {
  app: FastifyInstance;
  url: string;
  /** Where Prometheus scrapes (GET /metrics), when METRICS_PORT is set. */
  metricsUrl?: string;
  close(): Promise<void>;
}

/** Fastify counts hops with a function (its types take no number): the n addresses nearest the API are proxies. */
function trustedProxies(trust: string | number | undefined): Pick<FastifyServerOptions, 'trustProxy'> {
  if (trust === undefined) return {};
  return { trustProxy: typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust };
}

/** A newer shipped calendar made a new version: running applications reschedule as after an administrator's change. */
async function tellRunningApplications(temporal: Client, taskQueue: string, update: { calendar: Calendar; since: string; description: string }, log: (line: string) => void): Promise<void> {
  const version = `calendar ${update.calendar.id} v${update.calendar.version}`;
  try {
    const signalled = await signalAffectedApplications(temporal, taskQueue, update.since);
    log(`${version}: ${update.description}; ${signalled} open application(s) rescheduled`);
  } catch (err) {
    log(`${version}: ${update.description}; the open applications could not be told (${(err as Error).message.split('\n')[0]}): their deadlines take it at their next change`);
  }
}

export async function startApi(config: Config, log: (line: string) => void = console.log): Promise<RunningApi> {
  // Refused before anything is opened: production must name its document keys and its public address.
  const documentKeys = await documentKeyRing(config);
  const publicUrl = documentPublicUrl(config);
  const pades = padesSigner(config.documents);
  const connection = await Connection.connect(apiConnectionOptions(config.temporal.address));
  const temporal = new Client({ connection, namespace: config.temporal.namespace, dataConverter: temporalDataConverter(config.codecKeys), interceptors: apiClientInterceptors() });
  let orm: MikroORM | undefined;
  let redis: Redis | undefined;
  let notifications: NotificationQueues | undefined;
  let metricsEndpoint: MetricsListener | undefined;
  try {
    orm = await openOrm(config.databaseUrl);
    const queueSettings = loadQueueSettings(config);
    // Deployments sharing a Redis keep apart: the kiosk's PIN counters live under the same prefix as the queues.
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false, keyPrefix: `${queueSettings.prefix}:` });
    redis.on('error', () => undefined);
    const { procedures, calendars, offices, refused, warnings, calendarUpdate, horizonWarnings } = await loadReferenceData(orm, config.proceduresDir);
    for (const e of refused) log(`procedure refused: ${e.file}${e.pointer ? ` ${e.pointer}` : ''}: ${e.message}`);
    for (const w of warnings) log(`procedure ${w.file}${w.pointer ? ` ${w.pointer}` : ''}: warning: ${w.message}`);
    for (const w of horizonWarnings) log(`procedure ${w.id} v${w.version} ${w.pointer}: warning: ${w.message}`);
    if (calendarUpdate) await tellRunningApplications(temporal, config.temporal.taskQueue, calendarUpdate, log);
    const storage = new FileSystemStorage(path.join(config.dataDir, 'documents'));
    const leftOver = await storage.sweepStaging();
    if (leftOver) log(`removed ${leftOver} upload(s) left half-received by an earlier run`);
    notifications = new NotificationQueues(queueSettings);
    const metrics = createMetricsRegistry();
    registerBusinessMetrics(metrics, orm);
    registerQueueDepthMetrics(metrics, notifications);
    const app = await buildApp(
      { metrics, temporal, taskQueue: config.temporal.taskQueue, orm, redis, procedures, calendars, offices, storage, documentKeys, publicUrl, ...(pades ? { pades } : {}), notifications, secret: config.jwtSecret, tokens: config.tokens, oidc: config.oidc, demoSignIn: !config.production, documentFilesPerSlot: config.documents.filesPerSlot, rateLimits: config.rateLimits,
        codecEndpoint: { uiOrigins: config.codec.uiOrigins, sessionMinutes: config.codec.sessionMinutes, secureCookie: config.production } },
      { logger: { level: config.logLevel }, ...trustedProxies(config.http.trustProxy) },
    );
    const url = await app.listen({ host: config.http.host, port: config.http.port });
    if (config.metrics) metricsEndpoint = await listenForMetrics(metrics, { host: config.http.host, ...config.metrics });
    const metricsUrl = metricsEndpoint?.url;
    const [ormRef, redisRef, queues, metricsRef] = [orm, redis, notifications, metricsEndpoint];
    return {
      app,
      url,
      ...(metricsUrl ? { metricsUrl } : {}),
      async close() {
        await metricsRef?.close();
        await app.close();
        await queues.close();
        redisRef.disconnect();
        await ormRef.close();
        await connection.close();
      },
    };
  } catch (err) {
    await metricsEndpoint?.close();
    await notifications?.close();
    redis?.disconnect();
    await orm?.close();
    await connection.close();
    throw err;
  }
}
