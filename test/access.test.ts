/**
 * Who may read what, walked over every route: a person of one office (every role) asking with another
 * office's ids, in the path and in query filters, is refused without seeing anything of it. Then the
 * rules every token must meet, the development sign-in kept to this machine, and the kiosk's PIN limit
 * under concurrent guesses.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROLES, type Role } from '../identity/tokens.js';
import { startApi } from '../api/start.js';
import { PIN_ATTEMPT_RULES, PinAttempts } from '../api/pin-attempts.js';
import { loadConfig } from '../infra/config.js';
import { multipartFile } from './helpers/multipart.js';
import { applicationAnswer, eachItem, fieldError, notificationAnswer, problemAnswer, taskAnswer } from './helpers/answers.js';
import { as, createTestStack, people, TEST_SECRET, tokenFor, type TestStack } from './helpers/stack.js';

const form = { fullName: 'Nadia Ouazzani', cin: 'FK908172', address: '9 rue des Orangers, Berkane', phone: '+212600998877' };
const secrets = [form.fullName, form.cin, form.address, form.phone, '600998877'];

let stack: TestStack;
let officeA: Awaited<ReturnType<typeof people>>;
let officeB: Awaited<ReturnType<typeof people>>;

beforeAll(async () => {
  stack = await createTestStack();
  officeA = await people(stack, `annex-a-${stack.id}`);
  officeB = await people(stack, `annex-b-${stack.id}`);
});
afterAll(async () => {
  await stack?.close();
});

async function fileInA() {
  const res = await officeA.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: officeA.office, data: form } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { trackingNumber: string; tasks: Array<{ id: string }>; receipt: { pin: string } };
}

interface OpenApiParameter {
  in: string;
  name: string;
  required?: boolean;
}

/** Query parameters of each route, as the OpenAPI description gives them (what a client can send). */
function queryParameters(): Map<string, OpenApiParameter[]> {
  const doc = stack.app.swagger() as { paths: Record<string, Record<string, { parameters?: OpenApiParameter[] }>> };
  const byRoute = new Map<string, OpenApiParameter[]>();
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const url = path.replace(/\{(\w+)\}/g, ':$1');
      byRoute.set(`${method.toUpperCase()} ${url}`, (operation.parameters ?? []).filter((p) => p.in === 'query'));
    }
  }
  return byRoute;
}

describe('office boundaries on every route', () => {
  it("refuses every role of another office, in paths and query filters, and shows nothing of the application", async () => {
    const filed = await fileInA();
    const upload = await officeA.citizen({ method: 'POST', url: `/applications/${filed.trackingNumber}/documents/cinCopy`, ...multipartFile('cin.pdf', Buffer.from('%PDF-1.7\ncin\n%%EOF')) });
    expect(upload.statusCode, upload.body).toBe(201);
    const sha256 = upload.json().sha256 as string;
    const timelineBefore = (await officeA.agent({ method: 'GET', url: `/applications/${filed.trackingNumber}/timeline` })).body;

    const tokens = Object.fromEntries(
      await Promise.all(ROLES.map(async (role) => [role, await tokenFor(role, role === 'citizen' ? officeB.citizenId : `${role}-b`, [officeB.office])])),
    ) as Record<Role, string>;
    const queries = queryParameters();
    // Bodies that pass validation, so that the request reaches the access decision.
    const bodies: Record<string, unknown> = {
      '/applications/:trackingNumber/complement': { documents: ['cinCopy'] },
      '/applications/:trackingNumber/act': { data: {} },
      '/applications/:trackingNumber/extension': { units: 2, reason: 'probe across offices' },
      '/applications/:trackingNumber/withdraw': { reason: 'probe across offices' },
      '/tasks/:taskId/complete': { outcome: 'approve' },
      '/tasks/:taskId/request-complement': { documents: ['cinCopy'] },
      '/tasks/:taskId/reassign': { toAgent: 'agent-b' },
      '/track': { trackingNumber: filed.trackingNumber, pin: filed.receipt.pin === '000000' ? '000001' : '000000' },
      '/track/receipt.html': { trackingNumber: filed.trackingNumber, pin: filed.receipt.pin === '000000' ? '000001' : '000000' },
      '/track/issued-documents': { trackingNumber: filed.trackingNumber, pin: filed.receipt.pin === '000000' ? '000001' : '000000' },
      '/track/issued-documents/:code': { trackingNumber: filed.trackingNumber, pin: filed.receipt.pin === '000000' ? '000001' : '000000' },
      '/applications/:trackingNumber/issued-documents/:code/revoke': { reason: 'probe across offices' },
      '/applications/:trackingNumber/issued-documents/:code/reissue': { reason: 'probe across offices' },
      '/applications/:trackingNumber/issued-documents/:code/posted': { postalReference: 'RR123456789MA' },
    };
    // Not bound to an office: filing (a citizen may file anywhere), designers' and admins' tools, sign-in.
    const unbound = ['/applications', '/auth/demo-token', '/procedures', '/calendars', '/notifications/failed', '/guide', '/offices', '/health'];

    const failures: string[] = [];
    let probes = 0;
    for (const policy of stack.app.routePolicies.filter((p) => !p.url.startsWith('/docs') && !p.url.startsWith('/assets') && p.url !== '/')) {
      if (policy.method === 'POST' && unbound.some((prefix) => policy.url === prefix || policy.url.startsWith(`${prefix}/`))) continue;
      const url = policy.url
        .replace(':trackingNumber', filed.trackingNumber)
        .replace(':taskId', filed.tasks[0]!.id)
        .replace(':documentId', 'cinCopy')
        .replace(':sha256', sha256)
        .replace(':id', policy.url.startsWith('/calendars') ? 'ma' : 'residence-certificate');
      const namesA = url !== policy.url && /:(trackingNumber|taskId)/.test(policy.url);
      const params = queries.get(`${policy.method} ${policy.url}`) ?? [];
      const required = new URLSearchParams();
      for (const p of params.filter((q) => q.required)) {
        required.set(p.name, p.name === 'from' ? '2020-01-01' : p.name === 'to' ? '2035-12-31' : p.name === 'trackingNumber' ? filed.trackingNumber : 'x');
      }
      const variants: Array<{ query: URLSearchParams; namesA: boolean; officeFilter?: boolean }> = [{ query: required, namesA: namesA || required.has('trackingNumber') }];
      for (const p of params) {
        const value = p.name === 'officeId' ? officeA.office : p.name === 'trackingNumber' ? filed.trackingNumber : undefined;
        if (!value) continue;
        const query = new URLSearchParams(required);
        query.set(p.name, value);
        variants.push({ query, namesA: true, officeFilter: p.name === 'officeId' });
      }
      // An admin works for every office; everyone else is bound to office B.
      const bound = ROLES.filter((r) => r !== 'admin');
      const roles = policy.access === 'public' ? bound : bound.filter((r) => (policy.access as readonly Role[]).includes(r));
      for (const variant of variants) {
        const target = variant.query.size ? `${url}?${variant.query}` : url;
        const body = bodies[policy.url];
        const request =
          policy.url.endsWith('/documents/:documentId') && policy.method === 'POST'
            ? { method: 'POST' as const, url: target, ...multipartFile('other.pdf', Buffer.from('%PDF-1.7\nother\n%%EOF')) }
            : { method: policy.method as 'GET', url: target, ...(policy.method === 'POST' ? { payload: body ?? {} } : {}) };
        for (const role of roles) {
          // The open data is the commune's figures for everyone, with no personal data: no office to hide.
          if (policy.url === '/open-data/statistics.csv') continue;
          probes++;
          const res = await as(stack, tokens[role])(request);
          const what = `${role} of office B: ${policy.method} ${target} → ${res.statusCode}`;
          // A citizen's office filter narrows their own applications: it names nothing of A's.
          const mustRefuse = variant.namesA && !(role === 'citizen' && variant.officeFilter && !namesA);
          if (mustRefuse && res.statusCode !== 403 && res.statusCode !== 404) failures.push(`${what}: ${res.body.slice(0, 160)}`);
          if (res.statusCode >= 500) failures.push(`${what}: ${res.body.slice(0, 160)}`);
          for (const secret of [filed.trackingNumber, ...secrets]) {
            // A refusal may repeat the number the caller sent; anything else of A is a leak.
            if (res.body.includes(secret) && !(secret === filed.trackingNumber && res.statusCode >= 400)) failures.push(`${what} shows ${secret}`);
          }
        }
      }
    }
    expect(probes).toBeGreaterThan(60);
    expect(failures).toEqual([]);
    // Nothing the probes asked for happened to the application.
    expect((await officeA.agent({ method: 'GET', url: `/applications/${filed.trackingNumber}/timeline` })).body).toBe(timelineBefore);
    const application = (await officeA.agent({ method: 'GET', url: `/applications/${filed.trackingNumber}` })).json();
    expect(application).toEqual(applicationAnswer({ trackingNumber: filed.trackingNumber, tasks: eachItem(taskAnswer()) }));
    const task = application.tasks[0];
    expect(task).toEqual(taskAnswer({ status: 'open' }));
    expect(task.assignee ?? null).toBeNull();
  });

  it("shows an application's notifications (phone numbers, texts) to its own office's auditor only", async () => {
    const filed = await fileInA();
    const url = `/notifications?trackingNumber=${filed.trackingNumber}`;
    const auditorA = as(stack, await tokenFor('auditor', 'auditor-a', [officeA.office]));
    const auditorB = as(stack, await tokenFor('auditor', 'auditor-b', [officeB.office]));
    const own = await auditorA({ method: 'GET', url });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toEqual({ trackingNumber: filed.trackingNumber, notifications: eachItem(notificationAnswer()) });
    expect(own.json().notifications.length).toBeGreaterThan(0);
    const foreign = await auditorB({ method: 'GET', url });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    expect(foreign.json()).toEqual(problemAnswer({ status: 404, code: 'application_not_found', errors: [fieldError('querystring:/trackingNumber')] }));
    expect(foreign.body).not.toContain(form.phone);
    // Unknown and foreign numbers answer alike, so a number reveals nothing.
    const unknown = await auditorB({ method: 'GET', url: `/notifications?trackingNumber=${filed.trackingNumber.slice(0, -1)}${filed.trackingNumber.endsWith('0') ? '1' : '0'}` });
    expect([400, 404]).toContain(unknown.statusCode);
  });
});

describe('token rules', () => {
  const sign = (claims: Record<string, unknown>, build: (jwt: SignJWT) => SignJWT) =>
    build(new SignJWT({ role: 'admin', offices: [], ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject('admin-1').setIssuer('mohla')).sign(
      new TextEncoder().encode(TEST_SECRET),
    );
  const now = () => Math.floor(Date.now() / 1000);

  it('refuses a token without expiry, issued in the future, or living longer than allowed, saying why', async () => {
    const cases: Array<[string, string]> = [
      ['no exp', await sign({}, (j) => j.setIssuedAt())],
      ['no iat', await sign({}, (j) => j.setExpirationTime(now() + 600))],
      ['iat in the future', await sign({}, (j) => j.setIssuedAt(now() + 3600).setExpirationTime(now() + 7200))],
      ['expires in the year 3000', await sign({}, (j) => j.setIssuedAt().setExpirationTime(32503680000))],
    ];
    for (const [why, token] of cases) {
      const res = await stack.app.inject({ method: 'GET', url: '/notifications/failed', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode, why).toBe(401);
      expect(res.headers['content-type'], why).toContain('application/problem+json');
    }
    // Within the rules (a little clock skew allowed), the same kind of token is taken.
    const fine = await sign({}, (j) => j.setIssuedAt(now() + 20).setExpirationTime(now() + 3600));
    expect((await stack.app.inject({ method: 'GET', url: '/notifications/failed', headers: { authorization: `Bearer ${fine}` } })).statusCode).toBe(200);
  });
});

describe('development sign-in', () => {
  const body = { role: 'admin', sub: 'someone' };

  it('mints tokens for callers on this machine only, whatever token they hold', async () => {
    const local = await stack.app.inject({ method: 'POST', url: '/auth/demo-token', payload: body, remoteAddress: '127.0.0.1' });
    expect(local.statusCode).toBe(200);
    const auditor = await tokenFor('auditor', 'auditor-x', [officeA.office]);
    for (const remoteAddress of ['192.0.2.10', '::ffff:10.0.0.7', '2001:db8::1']) {
      const res = await stack.app.inject({ method: 'POST', url: '/auth/demo-token', payload: body, remoteAddress, headers: { authorization: `Bearer ${auditor}` } });
      expect(res.statusCode, remoteAddress).toBe(403);
      expect(res.body).not.toContain('token":');
    }
    // A proxy on this machine relaying someone else: not a local caller.
    const relayed = await stack.app.inject({ method: 'POST', url: '/auth/demo-token', payload: body, remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.4' } });
    expect(relayed.statusCode).toBe(403);
  });
});

describe("the kiosk's PIN limit", () => {
  const track = (trackingNumber: string, pin: string, remoteAddress = '203.0.113.5') =>
    stack.app.inject({ method: 'POST', url: '/track', payload: { trackingNumber, pin }, remoteAddress });

  it('lets at most five of forty concurrent wrong PINs through, and tells how long to wait', async () => {
    const filed = await fileInA();
    const wrong = filed.receipt.pin === '000000' ? '000001' : '000000';
    const answers = await Promise.all(Array.from({ length: 40 }, () => track(filed.trackingNumber, wrong)));
    const checked = answers.filter((a) => a.statusCode === 404).length;
    expect(checked).toBe(5);
    const refused = answers.filter((a) => a.statusCode === 429);
    expect(refused).toHaveLength(35);
    expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused[0]!.headers['content-type']).toContain('application/problem+json');
  });

  it('holds many addresses together to the number\'s allowance, even with a right PIN of their own mixed in', async () => {
    const rules = { ...PIN_ATTEMPT_RULES, perNumberEverywhere: 10 };
    const attempts = new PinAttempts(stack.redis, 'access-test-secret', rules);
    const victim = `VICT-${stack.id.slice(0, 4).toUpperCase()}-1`;
    const own = `OWNN-${stack.id.slice(0, 4).toUpperCase()}-2`;
    const waits: number[] = [];
    // One guess from each of many addresses (an IPv6 block), each followed by the guesser's own right PIN.
    for (let i = 0; i < 12; i++) {
      const address = `2001:db8::${i.toString(16)}`;
      waits.push(await attempts.take(victim, address));
      await attempts.take(own, address);
      await attempts.succeeded(own, address);
    }
    expect(waits.slice(0, 10)).toEqual(Array(10).fill(0));
    expect(waits.slice(10).every((w) => w > 0)).toBe(true);
  });

  it("does not let a stranger elsewhere lock the citizen out", async () => {
    const filed = await fileInA();
    const wrong = filed.receipt.pin === '000000' ? '000001' : '000000';
    for (let i = 0; i < 8; i++) await track(filed.trackingNumber, wrong, '198.51.100.66');
    expect((await track(filed.trackingNumber, wrong, '198.51.100.66')).statusCode).toBe(429);
    const citizen = await track(filed.trackingNumber, filed.receipt.pin, '192.0.2.77');
    expect(citizen.statusCode).toBe(200);
  });

  it("keeps its counters under the deployment's Redis prefix, naming neither the receipt nor the address", async () => {
    const filed = await fileInA();
    const prefix = `mohla-deploy-${stack.id}`;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `mohla-access-${stack.id}-`));
    // The queue settings are read from the process's environment, as a deployment sets them.
    const previous = process.env.NOTIFY_QUEUE_PREFIX;
    process.env.NOTIFY_QUEUE_PREFIX = prefix;
    const api = await startApi(
      loadConfig({
        TEMPORAL_ADDRESS: stack.temporalAddress,
        DATABASE_URL: stack.databaseUrl,
        REDIS_URL: inject('redisUrl'),
        HOST: '127.0.0.1',
        PORT: '0',
        MOHLA_DATA_DIR: dataDir,
        JWT_SECRET: TEST_SECRET,
        LOG_LEVEL: 'warn',
      }),
      () => undefined,
    ).finally(() => {
      if (previous === undefined) delete process.env.NOTIFY_QUEUE_PREFIX;
      else process.env.NOTIFY_QUEUE_PREFIX = previous;
    });
    const plain = new Redis(inject('redisUrl'));
    try {
      const res = await fetch(`${api.url}/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ trackingNumber: filed.trackingNumber, pin: filed.receipt.pin === '000000' ? '000001' : '000000' }),
      });
      expect(res.status).toBe(404);
      const keys = await plain.keys(`*pin-attempts*`);
      const deployment = keys.filter((k) => k.startsWith(`${prefix}:`));
      expect(deployment.length).toBeGreaterThan(0);
      for (const key of deployment) expect(key).not.toMatch(new RegExp(`${filed.trackingNumber}|127\\.0\\.0\\.1|::1`));
      // Other test files run beside this one on the same Redis: only this application's keys are looked at.
      expect(keys.filter((k) => k.startsWith('pin-attempts') && k.includes(filed.trackingNumber))).toEqual([]);
      if (deployment.length) await plain.del(...deployment);
    } finally {
      plain.disconnect();
      await api.close();
    }
  });
});
