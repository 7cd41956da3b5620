/**
 * PostgreSQL and Redis out of reach under a running API (PostgreSQL behind a TCP relay this test cuts,
 * Redis on a port where nothing listens): what needs them answers 503 with Retry-After, a problem, not
 * a 500 — and the answer comes back, it does not hang. Readiness follows: degraded without Redis, not
 * ready without PostgreSQL, while liveness never asks either.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { problemAnswer } from './helpers/answers.js';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import { buildApp } from '../api/app.js';
import { openOrm } from '../db/orm.js';
import { loadConfig } from '../infra/config.js';
import { loadReferenceData } from '../registry/reference-data.js';
import { freePort } from './helpers/ports.js';
import { relayPostgres, type PostgresRelay } from './helpers/postgres-relay.js';
import { bearer, createTestStack, people, TEST_SECRET, tokenFor, type TestStack } from './helpers/stack.js';

const form = { fullName: 'Khalid Amrani', cin: 'FL990011', address: '2 rue Oujda, Berkane' };

let stack: TestStack;
let postgres: PostgresRelay;
let relayedOrm: MikroORM;
let deadRedis: Redis;
let app: FastifyInstance;

beforeAll(async () => {
  stack = await createTestStack();
  postgres = await relayPostgres(stack.databaseUrl);
  relayedOrm = await openOrm(postgres.url, { pool: { min: 0, max: 2 } });
  deadRedis = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: 1, lazyConnect: true });
  deadRedis.on('error', () => undefined);
  const { procedures, calendars, offices } = await loadReferenceData(stack.orm, loadConfig().proceduresDir);
  app = await buildApp({
    temporal: stack.client,
    taskQueue: stack.taskQueue,
    orm: relayedOrm,
    redis: deadRedis,
    procedures,
    calendars,
    offices,
    storage: stack.storage,
    notifications: stack.notifications,
    secret: TEST_SECRET,
  });
  stack.answers.watch(app);
});
afterAll(async () => {
  await app?.close();
  deadRedis?.disconnect();
  await relayedOrm?.close(true).catch(() => undefined);
  await postgres?.cut();
  await stack?.close();
});

function expectUnavailable(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body).toBe(503);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.json()).toEqual(problemAnswer({ status: 503, code: 'service_unavailable' }));
}

it('Redis out of reach: the kiosk answers 503 with Retry-After', async () => {
  const { citizen, office } = await people(stack, `annex-deps-${stack.id}`);
  const filed = (await citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: office, data: form } })).json();
  expectUnavailable(await app.inject({ method: 'POST', url: '/track', payload: { trackingNumber: filed.trackingNumber, pin: '000000' } }));
});

const PUBLIC_REASONS = ['does not answer in time', 'cannot be reached', 'answers with an error'];

it('Redis out of reach: the API is still ready, degraded, since filing and the inbox work without it', async () => {
  const ready = await app.inject({ method: 'GET', url: '/health/ready' });
  expect(ready.statusCode, ready.body).toBe(200);
  const { status, services } = ready.json();
  expect(status).toBe('degraded');
  expect([services.temporal.ok, services.postgres.ok, services.redis.ok]).toEqual([true, true, false]);
  expect(PUBLIC_REASONS).toContain(services.redis.error);
  expect(ready.body).not.toMatch(/127\.0\.0\.1|ECONN|port|retries/i);
  // /health keeps its stricter answer: every service, Redis included.
  expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(503);
  const live = await app.inject({ method: 'GET', url: '/health/live' });
  expect([live.statusCode, live.json()]).toEqual([200, { status: 'ok' }]);
});

it('PostgreSQL out of reach: reads answer 503 with Retry-After', async () => {
  const office = `annex-deps-pg-${stack.id}`;
  const citizen = bearer(await tokenFor('citizen', `citizen-${office}`));
  const agent = bearer(await tokenFor('agent', `agent-${office}`, [office]));
  // Through the relay while it stands, the same API reads fine.
  expect((await app.inject({ method: 'GET', url: '/tasks', headers: agent })).statusCode).toBe(200);
  await postgres.cut();
  expectUnavailable(await app.inject({ method: 'GET', url: '/applications', headers: citizen }));
  expectUnavailable(await app.inject({ method: 'GET', url: '/tasks', headers: agent }));
  // Anyone may ask /health: it says which service fails, never where it lives or how it is reached.
  const health = await app.inject({ method: 'GET', url: '/health' });
  expect(health.statusCode).toBe(503);
  const { status, services } = health.json();
  expect(status).toBe('degraded');
  expect(services.temporal.ok).toBe(true);
  expect([services.postgres.ok, services.redis.ok]).toEqual([false, false]);
  expect([services.postgres.error, services.redis.error].every((e: string) => PUBLIC_REASONS.includes(e))).toBe(true);
  expect(health.body).not.toMatch(/127\.0\.0\.1|ECONN|port|retries/i);
  // Without PostgreSQL the API cannot do its job: not ready, though the process still answers.
  const ready = await app.inject({ method: 'GET', url: '/health/ready' });
  expect(ready.statusCode, ready.body).toBe(503);
  expect(ready.json().status).toBe('unready');
  expect(ready.json().services.postgres).toMatchObject({ ok: false });
  expect(ready.json().services.temporal).toMatchObject({ ok: true });
  expect(ready.body).not.toMatch(/127\.0\.0\.1|ECONN|port|retries/i);
  const live = await app.inject({ method: 'GET', url: '/health/live' });
  expect([live.statusCode, live.json()]).toEqual([200, { status: 'ok' }]);
});
