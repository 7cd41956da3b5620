/**
 * Rate limits on sign-in, filing, the kiosk and the checks of issued documents, counted in the real Redis: the allowance is used up, the
 * next request answers 429 problem+json with Retry-After, and other callers are not held back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemAnswer } from './helpers/answers.js';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { buildApp } from '../api/app.js';
import type { RateLimitSettings } from '../api/rate-limits.js';
import { DisposableRedis } from './helpers/redis-server.js';
import { apiContext, bearer, createTestStack, tokenFor, type TestStack } from './helpers/stack.js';

const OFFICE = 'annex-berkane-1';
const form = { fullName: 'Khadija Alaoui', cin: 'LM123456', address: '3 rue Al Wahda, Berkane' };

let stack: TestStack;
let limited: FastifyInstance;
const minute = 60_000;
const limits: RateLimitSettings = {
  authentication: { max: 3, durationMs: minute },
  filing: { max: 2, durationMs: minute },
  tracking: { max: 4, durationMs: minute },
  verification: { max: 3, durationMs: minute },
};

beforeAll(async () => {
  stack = await createTestStack();
  limited = await buildApp(apiContext(stack, { demoSignIn: true, rateLimits: limits }));
  stack.answers.watch(limited);
});
afterAll(async () => {
  await limited?.close();
  await stack?.close();
});

function expectLimited(res: LightMyRequestResponse, window: number) {
  expect(res.statusCode, res.body).toBe(429);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.json()).toEqual(problemAnswer({ code: 'rate_limited', status: 429 }));
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(window / 1000);
}

// What the sign-in page asks first; every route under /auth/ shares the limit (the development sign-in
// itself answers only callers on this machine).
const signIn = (address: string) => limited.inject({ method: 'GET', url: '/auth/config', remoteAddress: address });

describe('rate limits', () => {
  it('let an address check a few document codes a minute, by code and with a file, then answer 429; another address still checks', async () => {
    const code = 'K7QM-3XHD-9RTB-WC4P';
    const byCode = (address: string) => limited.inject({ method: 'GET', url: `/verify/${code}`, remoteAddress: address });
    const withHash = (address: string) => limited.inject({ method: 'POST', url: '/verify', payload: { code, sha256: '0'.repeat(64) }, remoteAddress: address });
    for (const check of [byCode, withHash]) {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await check('203.0.113.40')).statusCode);
      // Answered (the code is refused or unknown), not limited, until the allowance is used up.
      expect(statuses.filter((status) => status === 429)).toEqual([]);
      expectLimited(await check('203.0.113.40'), minute);
      expect((await check('203.0.113.41')).statusCode).not.toBe(429);
    }
  });

  it('let an address sign in a few times a minute, then answer 429 with Retry-After; another address still signs in', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await signIn('203.0.113.7')).statusCode);
    expect(statuses).toEqual([200, 200, 200]);
    expectLimited(await signIn('203.0.113.7'), minute);
    expect((await signIn('203.0.113.8')).statusCode).toBe(200);
  });

  it('count each caller behind a trusted proxy on its own, and a forged X-Forwarded-For from elsewhere not at all', async () => {
    const proxied = await buildApp(apiContext(stack, { demoSignIn: true, rateLimits: limits }), { trustProxy: '192.0.2.10' });
    stack.answers.watch(proxied);
    try {
      const via = (remoteAddress: string, caller: string) =>
        proxied.inject({ method: 'GET', url: '/auth/config', remoteAddress, headers: { 'x-forwarded-for': caller } });
      for (let i = 0; i < 3; i++) expect((await via('192.0.2.10', '203.0.113.40')).statusCode).toBe(200);
      expectLimited(await via('192.0.2.10', '203.0.113.40'), minute);
      // Another citizen behind the same proxy is not held back by the first.
      expect((await via('192.0.2.10', '203.0.113.41')).statusCode).toBe(200);
      // A caller that is not the proxy cannot make itself a new address with the header.
      for (let i = 0; i < 3; i++) expect((await via('203.0.113.50', `198.51.100.${i}`)).statusCode).toBe(200);
      expectLimited(await via('203.0.113.50', '198.51.100.99'), minute);
    } finally {
      await proxied.close();
    }
  });

  it('let a person file a few applications a minute, then answer 429 without filing; another person still files', async () => {
    const amina = bearer(await tokenFor('citizen', 'citizen-rate-amina'));
    const file = (headers: Record<string, string>) =>
      limited.inject({ method: 'POST', url: '/applications', headers, payload: { procedureId: 'residence-certificate', officeId: OFFICE, data: form } });
    for (let i = 0; i < 2; i++) expect((await file(amina)).statusCode).toBe(201);
    expectLimited(await file(amina), minute);
    const mine = await limited.inject({ method: 'GET', url: '/applications', headers: amina });
    expect(mine.json().applications).toHaveLength(2);
    const youssef = bearer(await tokenFor('citizen', 'citizen-rate-youssef'));
    expect((await file(youssef)).statusCode).toBe(201);
  });

  it('let a kiosk look up a few applications a minute, then answer 429 even with the right PIN', async () => {
    const token = bearer(await tokenFor('citizen', 'citizen-rate-kiosk'));
    const filed = (await stack.app.inject({ method: 'POST', url: '/applications', headers: token, payload: { procedureId: 'residence-certificate', officeId: OFFICE, data: form } })).json();
    const track = (url: string) =>
      limited.inject({ method: 'POST', url, remoteAddress: '198.51.100.4', payload: { trackingNumber: filed.trackingNumber, pin: filed.receipt.pin } });
    for (let i = 0; i < 4; i++) expect((await track('/track')).statusCode).toBe(200);
    expectLimited(await track('/track'), minute);
    expect((await limited.inject({ method: 'POST', url: '/track', remoteAddress: '198.51.100.5', payload: { trackingNumber: filed.trackingNumber, pin: filed.receipt.pin } })).statusCode).toBe(200);
  });

  it('let sign-in and filing through while Redis is down, rather than failing them', async () => {
    const own = await DisposableRedis.start();
    // As the server connects (api/server.ts): a command gives up after one reconnection attempt.
    const redis = new Redis(own.url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    const app = await buildApp(apiContext(stack, { redis, demoSignIn: true, rateLimits: limits }));
    stack.answers.watch(app);
    try {
      await own.kill();
      const signedIn = await app.inject({ method: 'POST', url: '/auth/demo-token', payload: { role: 'citizen', sub: 'citizen-rate-outage' } });
      expect(signedIn.statusCode, signedIn.body).toBe(200);
      const filed = await app.inject({ method: 'POST', url: '/applications', headers: bearer(signedIn.json().token), payload: { procedureId: 'residence-certificate', officeId: OFFICE, data: form } });
      expect(filed.statusCode, filed.body).toBe(201);
    } finally {
      await app.close();
      redis.disconnect();
      await own.dispose();
    }
  });

  it('keep the counters under the deployment prefix in Redis, naming no person and no address', async () => {
    const keys = await stack.redis.keys(`${stack.redis.options.keyPrefix ?? ''}rate-limit:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toMatch(/citizen-rate|203\.0\.113|198\.51\.100/);
  });
});
