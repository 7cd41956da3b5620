/**
 * What Prometheus reads from the API: the business figures of an office as its applications and tasks
 * stand in PostgreSQL, the API's requests by route pattern, a scrape refused without the token, and a
 * slow database reported rather than waited for. The worker's own figures: worker-metrics.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerBusinessMetrics } from '../db/business-metrics.js';
import { createMetricsRegistry } from '../infra/metrics.js';
import { createTestStack, eventually, people, type TestStack } from './helpers/stack.js';
import { parseExposition, valueOf } from './helpers/prometheus.js';
import { freePort } from './helpers/ports.js';
import { NotificationQueues } from '../notifications/queues.js';
import { registerQueueDepthMetrics } from '../notifications/queue-metrics.js';

const form = { fullName: 'Khadija Amrani', cin: 'GK123456', address: '12 rue Ibn Khaldoun, Oujda' };
const PROCEDURE = 'residence-certificate';

let stack: TestStack;
let staff: Awaited<ReturnType<typeof people>>;
/** Decided; due within the next day; overdue and its task claimed. */
let filed: { decided: string; dueSoon: string; overdue: string };
let taskIds: string[];

async function scrape(headers: Record<string, string> = { authorization: `Bearer ${stack.metrics.token}` }) {
  return stack.metrics.endpoint.inject({ method: 'GET', url: '/metrics', headers });
}

const sql = (text: string, params: unknown[] = []) => stack.orm.em.fork().getConnection().execute(text, params);

async function file(): Promise<{ trackingNumber: string; taskId: string }> {
  const res = await staff.citizen({ method: 'POST', url: '/applications', payload: { procedureId: PROCEDURE, officeId: staff.office, data: form } });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json();
  return { trackingNumber: body.trackingNumber, taskId: body.tasks[0].id };
}

beforeAll(async () => {
  stack = await createTestStack();
  staff = await people(stack, `annex-metrics-${stack.id}`);
  const [decided, dueSoon, overdue] = [await file(), await file(), await file()];
  filed = { decided: decided.trackingNumber, dueSoon: dueSoon.trackingNumber, overdue: overdue.trackingNumber };
  taskIds = [decided.taskId, dueSoon.taskId, overdue.taskId];
  expect((await staff.agent({ method: 'POST', url: `/tasks/${decided.taskId}/claim` })).statusCode).toBe(200);
  const completed = await staff.agent({ method: 'POST', url: `/tasks/${decided.taskId}/complete`, payload: { outcome: 'approve' } });
  expect(completed.statusCode, completed.body).toBe(200);
  expect((await staff.agent({ method: 'POST', url: `/tasks/${overdue.taskId}/claim` })).statusCode).toBe(200);
  await eventually(async () => {
    const res = await staff.citizen({ method: 'GET', url: `/applications/${decided.trackingNumber}` });
    return res.json().status === 'closed' ? true : undefined;
  });
  // Deadlines a few hours away or just passed, as the projection would hold them a few days on.
  await sql(`update application set due_at = now() + interval '2 hours' where tracking_number = ?`, [filed.dueSoon]);
  await sql(`update application set due_at = now() - interval '1 hour' where tracking_number = ?`, [filed.overdue]);
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

describe('GET /metrics', () => {
  it("counts the office's open applications, tasks and deadlines as the office left them", async () => {
    const res = await scrape();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseExposition(res.body);
    const here = { office: staff.office, procedure: PROCEDURE };
    expect(valueOf(samples, 'mohla_business_metrics_up', {})).toBe(1);
    expect(valueOf(samples, 'mohla_open_applications', { ...here, status: 'in_progress' })).toBe(2);
    expect(valueOf(samples, 'mohla_open_applications', { ...here, status: 'deadline_paused' })).toBe(0);
    expect(valueOf(samples, 'mohla_open_tasks', { ...here, status: 'open' })).toBe(1);
    expect(valueOf(samples, 'mohla_open_tasks', { ...here, status: 'claimed' })).toBe(1);
    expect(valueOf(samples, 'mohla_applications_due_within_24h', here)).toBe(1);
    // Two hours away: within the day, not yet within the hour.
    expect(valueOf(samples, 'mohla_applications_due_within_1h', here)).toBe(0);
    expect(valueOf(samples, 'mohla_applications_overdue', here)).toBe(1);
    // Never a tracking number, a task or a person in a label.
    const labelValues = samples.flatMap((s) => Object.values(s.labels));
    for (const secret of [...Object.values(filed), ...taskIds, staff.citizenId, staff.agentId, form.cin]) {
      expect(labelValues.filter((v) => v.includes(secret))).toEqual([]);
    }
  });

  it('counts an application due within the hour, and no longer once it is overdue or paused', async () => {
    const here = { office: staff.office, procedure: PROCEDURE };
    try {
      await sql(`update application set due_at = now() + interval '30 minutes' where tracking_number = ?`, [filed.dueSoon]);
      const soon = parseExposition((await scrape()).body);
      expect(valueOf(soon, 'mohla_applications_due_within_1h', here)).toBe(1);
      expect(valueOf(soon, 'mohla_applications_due_within_24h', here)).toBe(1);
      // The deadline waits for the citizen: nobody is late while it is paused.
      await sql(`update application set deadline = jsonb_set(deadline, '{paused}', 'true') where tracking_number = ?`, [filed.dueSoon]);
      const paused = parseExposition((await scrape()).body);
      expect(valueOf(paused, 'mohla_applications_due_within_1h', here)).toBe(0);
      expect(valueOf(paused, 'mohla_open_applications', { ...here, status: 'deadline_paused' })).toBe(1);
    } finally {
      await sql(`update application set due_at = now() + interval '2 hours', deadline = jsonb_set(deadline, '{paused}', 'false') where tracking_number = ?`, [filed.dueSoon]);
    }
    const restored = parseExposition((await scrape()).body);
    expect(valueOf(restored, 'mohla_applications_due_within_1h', here)).toBe(0);
  });

  it('counts escalations and silence grants from the timeline, and the outbox by status', async () => {
    const before = parseExposition((await scrape()).body);
    const here = { office: staff.office, procedure: PROCEDURE };
    await sql(`insert into timeline_entry (tracking_number, seq, at, kind, detail) values (?, 1000, now(), 'taskEscalated', '{}'), (?, 1001, now(), 'taskEscalated', '{}')`, [filed.overdue, filed.overdue]);
    await sql(`insert into timeline_entry (tracking_number, seq, at, kind, detail) values (?, 1002, now(), 'closed', '{"outcome":"approved","grantedBySilence":true}')`, [filed.dueSoon]);
    for (const n of [1, 2]) {
      await sql(`insert into notification (key, tracking_number, template, recipients, context, status, created_at) values (?, ?, 'decision', '[]', '{}', 'failed', now())`, [`metrics-test-${n}`, filed.dueSoon]);
    }
    const after = parseExposition((await scrape()).body);
    const change = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(change('mohla_task_escalations_total', here)).toBe(2);
    expect(change('mohla_silence_grants_total', here)).toBe(1);
    expect(change('mohla_notifications', { status: 'failed' })).toBe(2);
    expect(change('mohla_notifications', { status: 'pending' })).toBe(0);
  });

  it('counts requests by route pattern, method and status, never by the URL asked for', async () => {
    await staff.citizen({ method: 'GET', url: `/applications/${filed.dueSoon}` });
    await staff.citizen({ method: 'GET', url: `/applications/${filed.overdue}` });
    await stack.request({ method: 'GET', url: `/no-such-route/${filed.overdue}` });
    const samples = parseExposition((await scrape()).body);
    const read = { method: 'GET', route: '/applications/:trackingNumber', status_code: '200' };
    expect(valueOf(samples, 'mohla_http_requests_total', read)).toBeGreaterThanOrEqual(2);
    expect(valueOf(samples, 'mohla_http_request_duration_seconds_count', read)).toBe(valueOf(samples, 'mohla_http_requests_total', read));
    expect(valueOf(samples, 'mohla_http_requests_total', { method: 'POST', route: '/tasks/:taskId/complete', status_code: '200' })).toBe(1);
    expect(valueOf(samples, 'mohla_http_requests_total', { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
    const routes = samples.filter((s) => s.name === 'mohla_http_requests_total').map((s) => s.labels.route!);
    expect(routes.filter((route) => Object.values(filed).some((n) => route.includes(n)) || route.includes('/metrics'))).toEqual([]);
  });

  it('refuses a scrape without the token, or with a person’s token', async () => {
    const refused: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-token' }, { authorization: `Bearer ${stack.metrics.token}x` }];
    for (const headers of refused) {
      const res = await scrape(headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.body).not.toMatch(/mohla_/);
    }
  });

  it('answers while PostgreSQL is stuck, saying the business figures are missing', async () => {
    const registry = createMetricsRegistry();
    registerBusinessMetrics(registry, stack.appOrm, { timeoutMs: 300 });
    const connection = stack.orm.em.getConnection();
    const holder = await connection.begin();
    try {
      await connection.execute('lock table application in access exclusive mode', [], 'run', holder);
      const stuck = parseExposition(await registry.metrics());
      expect(valueOf(stuck, 'mohla_business_metrics_up', {})).toBe(0);
      expect(valueOf(stuck, 'mohla_business_metrics_read_failures_total', {})).toBe(1);
      expect(stuck.filter((s) => s.name === 'mohla_open_applications')).toEqual([]);
    } finally {
      await connection.rollback(holder);
    }
    const recovered = parseExposition(await registry.metrics());
    expect(valueOf(recovered, 'mohla_business_metrics_up', {})).toBe(1);
    expect(valueOf(recovered, 'mohla_open_applications', { office: staff.office, procedure: PROCEDURE, status: 'in_progress' })).toBe(2);
  });

  it('answers while Redis is away, saying the notification queues could not be read', async () => {
    const here = parseExposition((await scrape()).body);
    expect(valueOf(here, 'mohla_notification_queue_up', {})).toBe(1);
    expect(valueOf(here, 'mohla_notification_queue_jobs', { queue: 'dispatch', state: 'failed' })).toBe(0);
    // Queues on a port where no Redis listens, as after Redis stopped.
    const away = new NotificationQueues({ redisUrl: `redis://127.0.0.1:${await freePort()}`, prefix: `metrics-away-${stack.id}`, attempts: 1, backoffMs: 100 });
    try {
      const registry = createMetricsRegistry();
      registerQueueDepthMetrics(registry, away, { timeoutMs: 300 });
      const samples = parseExposition(await registry.metrics());
      expect(valueOf(samples, 'mohla_notification_queue_up', {})).toBe(0);
      expect(samples.filter((s) => s.name === 'mohla_notification_queue_jobs')).toEqual([]);
    } finally {
      await away.close();
    }
  });
});
