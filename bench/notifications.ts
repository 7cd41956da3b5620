/**
 * Messages per second through the notification queues to the local outbox: N outbox rows (each a
 * citizen with a phone and an e-mail, so two messages) in a scratch database are handed to BullMQ as
 * the projection activity does, then one notification worker plans, renders and writes every message.
 * Run: npm run bench:notifications [-- --notifications 5000 --concurrency 8], or as part of npm run
 * bench. Needs PostgreSQL and
 * Redis (DATABASE_URL's server, REDIS_URL); the run uses its own database and Redis prefix and removes
 * them. Prints the figures and appends a JSON result to bench/results/.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { migrate, openOrm } from '../db/orm.js';
import { loadConfig } from '../infra/config.js';
import { createDatabaseIfMissing, dropDatabase } from '../infra/services.js';
import { OutboxProvider } from '../notifications/providers/outbox.js';
import { NotificationQueues } from '../notifications/queues.js';
import { NotificationWorker } from '../notifications/worker.js';
import { ProcedureRegistry, publishShippedProcedures } from '../registry/published.js';
import { writeResult } from './lib.js';

export interface NotificationsOptions {
  notifications: number;
  concurrency: number;
  /** A database URL on the server to use; the benchmark creates and drops its own database there. */
  databaseUrl?: string;
  redisUrl?: string;
}

export async function runNotifications(options: NotificationsOptions) {
  const NOTIFICATIONS = options.notifications;
  const CONCURRENCY = options.concurrency;
  const MESSAGES = NOTIFICATIONS * 2;

  const config = loadConfig();
  const url = new URL(options.databaseUrl ?? config.databaseAdminUrl);
  url.pathname = '/mohla_bench_notifications';
  await dropDatabase(url.href);
  await createDatabaseIfMissing(url.href);
  const orm = await openOrm(url.href, { pool: { min: 0, max: 20 } });
  await migrate(orm);
  const procedures = new ProcedureRegistry(orm);
  await publishShippedProcedures(procedures, config.proceduresDir);
  const connection = orm.em.getConnection();

  process.stderr.write(`seeding ${NOTIFICATIONS} outbox rows…\n`);
  await connection.execute(`
    insert into application (tracking_number, procedure_id, procedure_version, procedure_hash, office_id, status, data, filed_by, citizen, filed_at, revision, updated_at, granted_by_silence, due_at, deadline)
    select 'N' || lpad(i::text, 9, '0'), 'residence-certificate', 1, 'bench', 'office-' || (i % 50), 'open',
           jsonb_build_object('fullName', 'Citizen ' || i, 'phone', '06' || lpad(i::text, 8, '0'), 'email', 'citizen' || i || '@example.ma',
                              'language', (array['ar', 'fr', 'en'])[1 + i % 3]),
           'citizen-' || i, 'citizen-' || i, now(), 1, now(), false, now() + interval '10 days', '{"paused": false}'::jsonb
    from generate_series(1, ${NOTIFICATIONS}) as i`);
  await connection.execute(`
    insert into notification (key, tracking_number, template, recipients, context, status, created_at)
    select 'N' || lpad(i::text, 9, '0') || ':filed', 'N' || lpad(i::text, 9, '0'), 'filed', '["citizen"]'::jsonb,
           jsonb_build_object('trackingNumber', 'N' || lpad(i::text, 9, '0'), 'procedureId', 'residence-certificate'), 'pending', now()
    from generate_series(1, ${NOTIFICATIONS}) as i`);
  const keys = (await connection.execute<Array<{ key: string }>>('select key from notification order by key')).map((r) => r.key);

  const outbox = mkdtempSync(path.join(os.tmpdir(), 'mohla-bench-outbox-'));
  const provider = new OutboxProvider(outbox);
  const prefix = `mohla-bench-${process.pid}`;
  const queues = new NotificationQueues({ redisUrl: options.redisUrl ?? config.redisUrl, prefix, attempts: 3, backoffMs: 1000 });
  const unlimited = { max: 1_000_000, durationMs: 1000 };
  const worker = new NotificationWorker({
    orm,
    procedures,
    queues,
    concurrency: CONCURRENCY,
    relayIntervalMs: 60_000,
    settings: { ...queues.settings, providers: { sms: provider, email: provider }, rates: { sms: unlimited, email: unlimited }, defaultLanguage: 'fr' },
    log: (line) => process.stderr.write(`${line}\n`),
  });

  const started = performance.now();
  for (let i = 0; i < keys.length; i += 500) await queues.enqueue(keys.slice(i, i + 500));
  const enqueuedMs = performance.now() - started;
  const working = performance.now();
  worker.start();
  for (;;) {
    const [row] = await connection.execute<Array<{ sent: string; failed: string }>>(
      `select count(*) filter (where status = 'sent') as sent, count(*) filter (where status <> 'pending' and status <> 'sent') as failed from notification`,
    );
    const sent = Number(row?.sent ?? 0);
    const failed = Number(row?.failed ?? 0);
    process.stderr.write(`\rsent ${sent}/${NOTIFICATIONS} notifications${failed ? `, ${failed} failed` : ''}`);
    if (sent + failed >= NOTIFICATIONS) {
      if (failed) {
        const reasons = new Set((await queues.failed(20)).map((f) => f.reason));
        throw new Error(`${failed} notifications failed: ${[...reasons].join(' | ')}`);
      }
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const deliveredMs = performance.now() - working;
  process.stderr.write('\n');
  const files = readdirSync(path.join(outbox, 'sms')).length + readdirSync(path.join(outbox, 'email')).length;

  await worker.close();
  await queues.obliterate();
  await queues.close();
  await orm.close();
  await dropDatabase(url.href);
  rmSync(outbox, { recursive: true, force: true });

  if (files !== MESSAGES) throw new Error(`expected ${MESSAGES} messages in the outbox, found ${files}`);
  const results = {
    enqueuePerSecond: Math.round((NOTIFICATIONS / enqueuedMs) * 1000),
    notificationsPerSecond: Math.round((NOTIFICATIONS / deliveredMs) * 1000),
    messagesPerSecond: Math.round((MESSAGES / deliveredMs) * 1000),
    seconds: Number((deliveredMs / 1000).toFixed(1)),
  };
  console.log(`\n${NOTIFICATIONS} notifications → ${MESSAGES} messages (SMS + e-mail) to the local outbox, worker concurrency ${CONCURRENCY} per queue:`);
  console.log('| stage | per second |');
  console.log('| --- | --- |');
  console.log(`| handed to the queue (addBulk by 500, as the activity and relay do) | ${results.enqueuePerSecond} notifications |`);
  console.log(`| planned, rendered and written to the outbox | ${results.notificationsPerSecond} notifications, ${results.messagesPerSecond} messages |`);
  const file = writeResult('notifications', { notifications: NOTIFICATIONS, messages: MESSAGES, concurrency: CONCURRENCY, results });
  console.log(`\nwritten to ${file}`);
  return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { notifications: { type: 'string', default: '5000' }, concurrency: { type: 'string', default: '8' } },
  });
  await runNotifications({ notifications: Number(values.notifications), concurrency: Number(values.concurrency) });
}
