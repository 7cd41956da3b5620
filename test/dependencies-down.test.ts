/**
 * PostgreSQL and Redis out of reach under a running API (PostgreSQL behind a TCP relay this test cuts,
 * Redis on a port where nothing listens): what needs them answers 503 with Retry-After, a problem, not
 * a 500 — and the answer comes back, it does not hang.
 */
import net from 'node:net';
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
import { bearer, createTestStack, people, TEST_SECRET, tokenFor, type TestStack } from './helpers/stack.js';

const form = { fullName: 'Khalid Amrani', cin: 'FL990011', address: '2 rue Oujda, Berkane' };

let stack: TestStack;
let relay: net.Server;
const relayed = new Set<net.Socket>();
let relayedOrm: MikroORM;
let deadRedis: Redis;
let app: FastifyInstance;

/** Forwards TCP to PostgreSQL until `cut()`: then every connection drops and new ones are refused. */
async function startRelay(target: URL): Promise<number> {
  relay = net.createServer((client) => {
    const server = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, server]) {
      relayed.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => relayed.delete(s));
    }
    client.pipe(server).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return (relay.address() as net.AddressInfo).port;
}

async function cut(): Promise<void> {
  await new Promise<void>((resolve) => {
    relay.close(() => resolve());
    for (const s of relayed) s.destroy();
  });
}

beforeAll(async () => {
  stack = await createTestStack();
  const url = new URL(stack.databaseUrl);
  const port = await startRelay(url);
  const viaRelay = new URL(stack.databaseUrl);
  viaRelay.hostname = '127.0.0.1';
  viaRelay.port = String(port);
  relayedOrm = await openOrm(viaRelay.href, { pool: { min: 0, max: 2 } });
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

it('PostgreSQL out of reach: reads answer 503 with Retry-After', async () => {
  const office = `annex-deps-pg-${stack.id}`;
  const citizen = bearer(await tokenFor('citizen', `citizen-${office}`));
  const agent = bearer(await tokenFor('agent', `agent-${office}`, [office]));
  // Through the relay while it stands, the same API reads fine.
  expect((await app.inject({ method: 'GET', url: '/tasks', headers: agent })).statusCode).toBe(200);
  await cut();
  expectUnavailable(await app.inject({ method: 'GET', url: '/applications', headers: citizen }));
  expectUnavailable(await app.inject({ method: 'GET', url: '/tasks', headers: agent }));
  // Anyone may ask /health: it says which service fails, never where it lives or how it is reached.
  const health = await app.inject({ method: 'GET', url: '/health' });
  expect(health.statusCode).toBe(503);
  const { status, services } = health.json();
  expect(status).toBe('degraded');
  expect(services.temporal.ok).toBe(true);
  expect([services.postgres.ok, services.redis.ok]).toEqual([false, false]);
  expect([services.postgres.error, services.redis.error].every((e: string) => ['does not answer in time', 'cannot be reached', 'answers with an error'].includes(e))).toBe(true);
  expect(health.body).not.toMatch(/127\.0\.0\.1|ECONN|port|retries/i);
});
