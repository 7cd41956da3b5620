/**
 * The inbox query at scale: 1,000,000 open tasks across 50 offices in a scratch database, bulk-loaded as
 * the projections write them (inbox-seed.ts), then agents of each office in turn page through their
 * inbox (plain, filtered, second page) through the real API.
 * Run: npm run bench:inbox (or as part of npm run bench). Prints p50/p99 per query and appends a JSON
 * result to bench/results/.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import { readOffices } from '../registry/offices.js';
import { buildApp } from '../api/app.js';
import { issueToken } from '../identity/tokens.js';
import { migrate, openOrm } from '../db/orm.js';
import { FileSystemStorage } from '../documents/storage.js';
import { loadQueueSettings } from '../notifications/config.js';
import { NotificationQueues } from '../notifications/queues.js';
import { env, loadConfig } from '../infra/config.js';
import { temporalDataConverter } from '../infra/data-converter.js';
import { createDatabaseIfMissing, dropDatabase } from '../infra/services.js';
import { CalendarStore, SHIPPED_CALENDAR } from '../registry/calendars.js';
import { ProcedureRegistry } from '../registry/published.js';
import { bar, percentile, writeResult } from './lib.js';
import { seedInbox } from './inbox-seed.js';

const OFFICES = 50;

export interface InboxOptions {
  tasks: number;
  queries: number;
  /** A database URL on the server to use; the benchmark creates and drops its own database there. */
  databaseUrl?: string;
}

export async function runInbox(options: InboxOptions) {
  const TASKS = options.tasks;
  const QUERIES = options.queries;
  const config = loadConfig();
  const url = new URL(options.databaseUrl ?? config.databaseAdminUrl);
  url.pathname = `/mohla_bench_inbox`;
  await dropDatabase(url.href);
  await createDatabaseIfMissing(url.href);
  const orm = await openOrm(url.href);
  await migrate(orm);

  process.stderr.write(`seeding ${TASKS} open tasks across ${OFFICES} offices…\n`);
  const started = performance.now();
  const seeded = await seedInbox(orm, { tasks: TASKS, offices: OFFICES, proceduresDir: config.proceduresDir, onProgress: (done) => bar(done, TASKS, 'seeding') });
  const seededSeconds = (performance.now() - started) / 1000;

  const temporal = new Client({ connection: Connection.lazy({ address: config.temporal.address }), dataConverter: temporalDataConverter(config.codecKeys) });
  const redis = new Redis(config.redisUrl, { lazyConnect: true });
  const notifications = new NotificationQueues(loadQueueSettings(config));
  // The inbox flags tasks at risk on the current working-day calendar.
  const calendars = new CalendarStore(orm);
  await calendars.loadShipped(SHIPPED_CALENDAR);
  const app = await buildApp({
    temporal,
    taskQueue: 'bench',
    orm,
    redis,
    procedures: new ProcedureRegistry(orm),
    calendars,
    offices: readOffices(config.proceduresDir),
    storage: new FileSystemStorage(path.join(os.tmpdir(), 'mohla-bench-documents')),
    notifications,
    secret: config.jwtSecret,
  });

  const tokens = await Promise.all(
    Array.from({ length: OFFICES }, (_, i) => issueToken(config.jwtSecret, { sub: `agent-${i % 7}`, role: 'agent', offices: [`office-${i}`] })),
  );
  const kinds = {
    'inbox, first page (50)': (_i: number) => '/tasks?limit=50',
    'inbox filtered (assignee=me, due before)': (_i: number) => `/tasks?assignee=me&dueBefore=${encodeURIComponent(new Date(Date.now() + 20 * 86_400_000).toISOString())}`,
    'inbox, next page (cursor)': (_i: number) => 'NEXT',
  } as const;
  const results: Record<string, { p50: number; p99: number; max: number; count: number }> = {};
  for (const [kind, makeUrl] of Object.entries(kinds)) {
    const times: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const office = i % OFFICES;
      const headers = { authorization: `Bearer ${tokens[office]}` };
      let target = makeUrl(i);
      if (target === 'NEXT') {
        const first = await app.inject({ method: 'GET', url: '/tasks?limit=50', headers });
        const cursor = first.json().nextCursor as string | null;
        // A small seed (BENCH_TASKS) may leave an office with a single page.
        target = cursor ? `/tasks?limit=50&cursor=${cursor}` : '/tasks?limit=50';
      }
      const t0 = performance.now();
      const res = await app.inject({ method: 'GET', url: target, headers });
      times.push(performance.now() - t0);
      if (res.statusCode !== 200) throw new Error(`${target} → ${res.statusCode} ${res.body}`);
      bar(i + 1, QUERIES, kind.padEnd(42));
    }
    times.sort((a, b) => a - b);
    results[kind] = { p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1] ?? NaN, count: times.length };
  }
  await app.close();
  await notifications.close();
  redis.disconnect();
  await orm.close();
  await dropDatabase(url.href);

  console.log(
    `\nInbox with ${seeded.tasks} open tasks (${seeded.applications} applications, ${seeded.shapes} procedure steps) across ${OFFICES} offices, loaded in ${seededSeconds.toFixed(1)} s; ${QUERIES} queries each, through the API:`,
  );
  console.log('| query | p50 ms | p99 ms | max ms |');
  console.log('| --- | --- | --- | --- |');
  for (const [kind, r] of Object.entries(results)) console.log(`| ${kind} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} |`);
  const file = writeResult('inbox', { tasks: TASKS, offices: OFFICES, queries: QUERIES, seededSeconds, seeded, results });
  console.log(`\nwritten to ${file}`);
  return { tasks: TASKS, seededSeconds, results };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runInbox({ tasks: Number(env('BENCH_TASKS')), queries: Number(env('BENCH_QUERIES')) });
}
