/**
 * A notification worker dies in the middle of sending, and another takes over. Through the SMS gateway,
 * which honours the Idempotency-Key contract, the message is sent again under the same key and the
 * citizen gets one SMS. Over SMTP, which has no such key, nobody can tell whether the message left: it
 * is not sent again but put on the failed list for an administrator to decide. At most one delivery.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationDelivery } from '../db/entities.js';
import { PROJECT_ROOT } from '../infra/config.js';
import { startSmsGateway, startSmtpServer, type TestSmsGateway, type TestSmtpServer } from './helpers/messaging.js';
import { killHard } from './helpers/worker-process.js';
import { testProcedure } from './helpers/definitions.js';
import { createTestStack, eventually, people, type TestStack } from './helpers/stack.js';

const definition = testProcedure('crash-certificate');

let stack: TestStack;
let smtp: TestSmtpServer;
let gateway: TestSmsGateway;
const children: ChildProcess[] = [];

beforeAll(async () => {
  stack = await createTestStack();
  [smtp, gateway] = await Promise.all([startSmtpServer(), startSmsGateway()]);
  await stack.procedures.publish(definition, 'test', 'api');
});

afterAll(async () => {
  for (const child of children) await killHard(child);
  await smtp?.close();
  await gateway?.close();
  await stack?.close();
});

async function startNotificationProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test', 'helpers', 'notification-worker-process.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      REDIS_URL: stack.redisUrl,
      NOTIFY_QUEUE_PREFIX: stack.notifications.settings.prefix,
      NOTIFY_ATTEMPTS: '3',
      NOTIFY_BACKOFF_MS: '200',
      NOTIFY_SMS_PROVIDER: 'gateway',
      SMS_GATEWAY_URL: gateway.url,
      NOTIFY_EMAIL_PROVIDER: 'smtp',
      SMTP_URL: smtp.url,
      MOHLA_DATA_DIR: path.join(os.tmpdir(), `mohla-crash-${stack.id}`),
      TEST_LOCK_MS: '2000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`notification worker did not start:\n${output}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('notification worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`notification worker exited with ${code}:\n${output}`));
    });
  });
  return child;
}

describe('a notification worker killed in the middle of a send', () => {
  it('delivers at most once: the idempotent gateway again under the same key, SMTP to the failed list', async () => {
    const first = await startNotificationProcess();
    // Both servers take the message, then keep the worker waiting for their answer.
    gateway.holdMs = 30_000;
    smtp.holdMs = 30_000;
    const { citizen, office } = await people(stack, `annex-${stack.id}`);
    const filed = await citizen({
      method: 'POST',
      url: '/applications',
      payload: { procedureId: definition.id, officeId: office, data: { phone: '0612345678', email: 'amina@example.ma' } },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const trackingNumber = filed.json().trackingNumber as string;
    await eventually(async () => (gateway.messages.some((m) => m.to === '+212612345678') && smtp.mails.length ? true : undefined));
    await killHard(first);
    gateway.holdMs = 0;
    smtp.holdMs = 0;

    await startNotificationProcess();
    const sms = await eventually(async () => {
      const row = await stack.orm.em.fork().findOne(NotificationDelivery, { notificationKey: `${trackingNumber}:filed`, channel: 'sms' });
      return row?.status === 'sent' ? row : undefined;
    }, 30_000);
    expect(sms.attempts).toBe(1);
    expect(gateway.messages.filter((m) => m.to === '+212612345678')).toHaveLength(1);
    expect(gateway.requests).toBeGreaterThanOrEqual(2);

    const email = await eventually(async () => {
      const row = await stack.orm.em.fork().findOne(NotificationDelivery, { notificationKey: `${trackingNumber}:filed`, channel: 'email' });
      return row?.status === 'failed' ? row : undefined;
    }, 30_000);
    expect(email.error).toContain('stopped in the middle of sending through smtp');
    expect(smtp.mails.filter((m) => m.to.includes('amina@example.ma'))).toHaveLength(1);
    const failed = await stack.notifications.failed();
    expect(failed.map((f) => f.id)).toContain(`email~${trackingNumber}~filed~citizen`);
  });
});
