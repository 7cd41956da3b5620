/**
 * What Prometheus reads from a real worker process (worker.ts): on METRICS_PORT, with the token, how long
 * messages waited before leaving and which attempts failed, sent through the fake SMS gateway and SMTP
 * server; how late the projections are behind the workflow; on WORKER_SDK_METRICS_PORT, the Temporal
 * SDK's own figures for Mohla's task queue. And from the API's business scrape, the complements asked for
 * and the notification queues' depth, which the worker does not export.
 */
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationDelivery } from '../db/entities.js';
import { startSmsGateway, startSmtpServer, type TestSmsGateway, type TestSmtpServer } from './helpers/messaging.js';
import { freePort } from './helpers/ports.js';
import { parseExposition, sumOf, valueOf, type Sample } from './helpers/prometheus.js';
import { testProcedure, userTask } from './helpers/definitions.js';
import { createTestStack, eventually, people, type TestStack } from './helpers/stack.js';
import { killHard, startWorkerProcess } from './helpers/worker-process.js';

/** The review may ask the citizen for the plans, once. */
const definition = testProcedure('metrics-certificate', {
  steps: {
    review: userTask('agent', { approve: 'granted', reject: 'refused', incomplete: 'ask' }),
    ask: { type: 'requestComplement', documents: ['plans'], onlyOnce: true, ifAlreadyRequested: 'refused', answerWithin: { duration: 'PT1H' }, next: 'review', onTimeout: 'refused' },
  },
});
/** The gateway answers 503 for this number: every attempt fails, and the message ends on the failed list. */
const UNREACHABLE_PHONE = '0600000001';

let stack: TestStack;
let smtp: TestSmtpServer;
let gateway: TestSmsGateway;
let worker: ChildProcess | undefined;
let staff: Awaited<ReturnType<typeof people>>;
const token = randomBytes(32).toString('hex');
let metricsUrl: string;
let sdkMetricsUrl: string;
const tracking: string[] = [];

const deliveries = (status: string) => stack.orm.em.fork().count(NotificationDelivery, { status });

async function scrapeWorker(headers: Record<string, string> = { authorization: `Bearer ${token}` }): Promise<Response> {
  return fetch(metricsUrl, { headers });
}

async function workerSamples(): Promise<Sample[]> {
  const res = await scrapeWorker();
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

async function apiSamples(): Promise<Sample[]> {
  const res = await stack.metrics.endpoint.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${stack.metrics.token}` } });
  expect(res.statusCode, res.body).toBe(200);
  return parseExposition(res.body);
}

beforeAll(async () => {
  stack = await createTestStack({ worker: false });
  [smtp, gateway] = await Promise.all([startSmtpServer(), startSmsGateway()]);
  gateway.failFor.set('+212600000001', 503);
  // The first e-mail is refused for good (an unknown mailbox): one failure of another class, never retried.
  smtp.refuseNext(1, 550);
  await stack.procedures.publish(definition, 'test', 'api');
  const [metricsPort, sdkPort] = [await freePort(), await freePort()];
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  sdkMetricsUrl = `http://127.0.0.1:${sdkPort}/metrics`;
  worker = await startWorkerProcess(stack, {
    HOST: '127.0.0.1',
    METRICS_PORT: String(metricsPort),
    METRICS_TOKEN: token,
    WORKER_SDK_METRICS_PORT: String(sdkPort),
    NOTIFY_ATTEMPTS: '2',
    NOTIFY_BACKOFF_MS: '200',
    NOTIFY_SMS_PROVIDER: 'gateway',
    SMS_GATEWAY_URL: gateway.url,
    NOTIFY_EMAIL_PROVIDER: 'smtp',
    SMTP_URL: smtp.url,
  });
  staff = await people(stack, `annex-wmetrics-${stack.id}`);
  const file = async (data: Record<string, string>) => {
    const res = await staff.citizen({ method: 'POST', url: '/applications', payload: { procedureId: definition.id, officeId: staff.office, data } });
    expect(res.statusCode, res.body).toBe(201);
    tracking.push(res.json().trackingNumber);
    return res.json() as { trackingNumber: string; tasks: Array<{ id: string }> };
  };
  const reachable = await file({ phone: '0612345678', email: 'amina@example.ma' });
  await file({ phone: UNREACHABLE_PHONE });
  const asked = await staff.agent({ method: 'POST', url: `/tasks/${reachable.tasks[0]!.id}/request-complement`, payload: { documents: ['plans'] } });
  expect(asked.statusCode, asked.body).toBe(200);
  // Filing (SMS and e-mail) and complement (SMS and e-mail) for the first, one e-mail refused; the second's SMS fails twice.
  await eventually(async () => ((await deliveries('sent')) === 3 && (await deliveries('failed')) === 2 ? true : undefined), 60_000);
}, 180_000);

afterAll(async () => {
  if (worker) await killHard(worker);
  await smtp?.close();
  await gateway?.close();
  await stack?.close();
});

describe("the worker's GET /metrics (METRICS_PORT)", () => {
  it('refuses a scrape without the token', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-the-token' }] as Record<string, string>[]) {
      const res = await scrapeWorker(headers);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toMatch(/mohla_/);
    }
  });

  it('times each message from its queue to its provider, and counts the failed attempts by channel and reason', async () => {
    // The worker counts right after recording the send in PostgreSQL, which is what beforeAll waited for.
    const samples = await eventually(async () => {
      const now = await workerSamples();
      const counted = sumOf(now, 'mohla_notification_delivery_seconds_count') + sumOf(now, 'mohla_notification_delivery_failures_total');
      return counted === 3 + 3 ? now : undefined;
    });
    expect(valueOf(samples, 'mohla_notification_delivery_seconds_count', { channel: 'sms' })).toBe(gateway.messages.length);
    expect(valueOf(samples, 'mohla_notification_delivery_seconds_count', { channel: 'email' })).toBe(smtp.mails.length);
    expect([gateway.messages.length, smtp.mails.length]).toEqual([2, 1]);
    expect(valueOf(samples, 'mohla_notification_delivery_seconds_sum', { channel: 'sms' })).toBeGreaterThan(0);
    // NOTIFY_ATTEMPTS=2: one failed attempt retried, then one given up.
    expect(valueOf(samples, 'mohla_notification_delivery_failures_total', { channel: 'sms', reason: 'provider_error', outcome: 'retry' })).toBe(1);
    expect(valueOf(samples, 'mohla_notification_delivery_failures_total', { channel: 'sms', reason: 'provider_error', outcome: 'gave_up' })).toBe(1);
    expect(valueOf(samples, 'mohla_notification_delivery_failures_total', { channel: 'email', reason: 'refused', outcome: 'gave_up' })).toBe(1);
    expect(sumOf(samples, 'mohla_notification_delivery_failures_total', { channel: 'email' })).toBe(1);
  });

  it('times each projection write from the workflow scheduling it', async () => {
    // Two filings and a complement request: at least one write each (more when a retry or a timer adds one).
    const samples = await eventually(async () => {
      const now = await workerSamples();
      return sumOf(now, 'mohla_projection_lag_seconds_count') >= 3 ? now : undefined;
    });
    expect(sumOf(samples, 'mohla_projection_lag_seconds_sum')).toBeGreaterThan(0);
    const modes = new Set(samples.filter((s) => s.name === 'mohla_projection_lag_seconds_count').map((s) => s.labels.mode));
    expect([...modes].every((mode) => mode === 'local' || mode === 'remote')).toBe(true);
  });

  it('exports no shared state (the API does) and no label naming an application or a person', async () => {
    const samples = await workerSamples();
    for (const shared of ['mohla_notification_queue_jobs', 'mohla_open_applications', 'mohla_business_metrics_up']) {
      expect(samples.filter((s) => s.name === shared), shared).toEqual([]);
    }
    expect(samples.some((s) => s.name === 'process_resident_memory_bytes')).toBe(true);
    const labelValues = samples.flatMap((s) => Object.values(s.labels)).join('\n');
    for (const secret of [...tracking, '0612345678', '+212612345678', 'amina@example.ma', staff.citizenId]) expect(labelValues).not.toContain(secret);
  });
});

describe("the Temporal SDK's metrics (WORKER_SDK_METRICS_PORT)", () => {
  it("serves the SDK's own figures for Mohla's task queue, without a token", async () => {
    const res = await fetch(sdkMetricsUrl);
    expect(res.status).toBe(200);
    const samples = parseExposition(await res.text());
    const here = { task_queue: stack.taskQueue };
    expect(samples.filter((s) => s.name.startsWith('temporal_')).length).toBeGreaterThan(0);
    expect(sumOf(samples, 'temporal_num_pollers', here)).toBeGreaterThan(0);
    expect(sumOf(samples, 'temporal_workflow_task_schedule_to_start_latency_count', here)).toBeGreaterThan(0);
    expect(sumOf(samples, 'temporal_workflow_completed', here)).toBe(0);
  });
});

describe("the API's business scrape", () => {
  it('counts the complement asked for and the notification jobs in Redis', async () => {
    const samples = await apiSamples();
    const here = { office: staff.office, procedure: definition.id };
    expect(valueOf(samples, 'mohla_complement_requests_total', here)).toBe(1);
    expect(valueOf(samples, 'mohla_notification_queue_up', {})).toBe(1);
    expect(valueOf(samples, 'mohla_notification_queue_jobs', { queue: 'sms', state: 'failed' })).toBe(1);
    expect(valueOf(samples, 'mohla_notification_queue_jobs', { queue: 'email', state: 'failed' })).toBe(1);
    expect(valueOf(samples, 'mohla_notification_queue_jobs', { queue: 'dispatch', state: 'waiting' })).toBe(0);
  });
});
