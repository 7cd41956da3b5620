/**
 * Redis crashes in the middle of a run and comes back: filings and decisions go on while it is away
 * (the outbox rows wait in PostgreSQL), and once it is back every message arrives, each exactly once.
 * The Redis here is this test's own, killed with SIGKILL; the machine's shared one is never touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notification } from '../db/entities.js';
import { SmsGatewayProvider } from '../notifications/providers/sms-gateway.js';
import { SmtpProvider } from '../notifications/providers/smtp.js';
import { NotificationWorker } from '../notifications/worker.js';
import { startSmsGateway, startSmtpServer, type TestSmsGateway, type TestSmtpServer } from './helpers/messaging.js';
import { DisposableRedis } from './helpers/redis-server.js';
import { testProcedure } from './helpers/definitions.js';
import { createTestStack, eventually, people, type TestStack } from './helpers/stack.js';

const definition = testProcedure('outage-certificate');

let redis: DisposableRedis;
let stack: TestStack;
let actors: Awaited<ReturnType<typeof people>>;
let smtp: TestSmtpServer;
let gateway: TestSmsGateway;
let notifier: NotificationWorker;

beforeAll(async () => {
  redis = await DisposableRedis.start();
  stack = await createTestStack({ notificationRedisUrl: redis.url });
  actors = await people(stack, `annex-${stack.id}`);
  [smtp, gateway] = await Promise.all([startSmtpServer(), startSmsGateway()]);
  await stack.procedures.publish(definition, 'test', 'api');
  notifier = new NotificationWorker({
    orm: stack.orm,
    settings: {
      ...stack.notifications.settings,
      providers: {
        sms: new SmsGatewayProvider({ url: gateway.url, payload: '{"to":"{{to}}","text":"{{text}}"}' }),
        email: new SmtpProvider({ url: smtp.url, from: 'Mohla <no-reply@berkane.ma>' }),
      },
      rates: { sms: { max: 50, durationMs: 1000 }, email: { max: 50, durationMs: 1000 } },
      defaultLanguage: 'fr',
    },
    queues: stack.notifications,
    relayIntervalMs: 300,
    // A job whose lock was lost with Redis is taken up again within seconds, not the default 30.
    workerOptions: { lockDuration: 3000, stalledInterval: 1000 },
    log: () => undefined,
  }).start();
  await notifier.waitUntilReady();
});

afterAll(async () => {
  await notifier?.close(true);
  await smtp?.close();
  await gateway?.close();
  await stack?.close();
  await redis?.dispose();
});

let sequence = 0;
async function file() {
  sequence += 1;
  const phone = `+21266${String(sequence).padStart(7, '0')}`;
  const email = `citizen-${sequence}@example.ma`;
  const started = Date.now();
  const res = await actors.citizen({ method: 'POST', url: '/applications', payload: { procedureId: definition.id, officeId: actors.office, data: { phone, email } } });
  expect(res.statusCode, res.body).toBe(201);
  const filed = res.json() as { trackingNumber: string; tasks: Array<{ id: string }> };
  return { ...filed, phone, email, tookMs: Date.now() - started };
}

describe('Redis stopped and restarted during a run', () => {
  it('loses no message and sends none twice', async () => {
    const before = [await file(), await file()];
    // Slow provider: messages are queued and in flight when Redis dies.
    gateway.holdMs = 200;
    const inFlight = [await file(), await file()];
    await redis.kill();

    // The counters keep working: filings and decisions do not wait for Redis.
    const during = [await file(), await file()];
    for (const filed of during) expect(filed.tookMs).toBeLessThan(10_000);
    const decided = await actors.agent({ method: 'POST', url: `/tasks/${during[0]!.tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
    expect(decided.statusCode, decided.body).toBe(200);
    const waiting = await stack.orm.em.fork().find(Notification, { trackingNumber: { $in: during.map((f) => f.trackingNumber) } });
    expect(waiting.map((n) => [n.status, n.queuedAt])).toEqual(waiting.map(() => ['pending', null]));

    await new Promise((r) => setTimeout(r, 1000));
    await redis.up();
    gateway.holdMs = 0;

    const everyone = [...before, ...inFlight, ...during];
    await eventually(async () => {
      const rows = await stack.orm.em.fork().find(Notification, { trackingNumber: { $in: everyone.map((f) => f.trackingNumber) } });
      return rows.length === everyone.length + 1 && rows.every((r) => r.status === 'sent') ? rows : undefined;
    }, 60_000);
    for (const filed of everyone) {
      const expected = filed === during[0] ? 2 : 1;
      expect(gateway.messages.filter((m) => m.to === filed.phone), filed.trackingNumber).toHaveLength(expected);
      expect(smtp.mails.filter((m) => m.to.includes(filed.email)), filed.trackingNumber).toHaveLength(expected);
    }
  });
});
