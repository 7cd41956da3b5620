/**
 * The API's edge on the real stack: text PostgreSQL cannot store is refused before any handler runs,
 * wherever it comes in; malformed requests, even those Node or the router refuse before a route is
 * found, are answered as problems naming the field; inputs that used to answer 500 answer 400.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationAnswer, eachItem, fieldError, problemAnswer } from './helpers/answers.js';
import type { LightMyRequestResponse } from 'fastify';
import { Application } from '../db/entities.js';
import { as, createTestStack, people, tokenFor, type TestStack } from './helpers/stack.js';

const form = { fullName: 'Amina Idrissi', cin: 'FB123456', address: '12 rue Al Amal, Berkane' };

let stack: TestStack;
let office: Awaited<ReturnType<typeof people>>;
let filed: { trackingNumber: string; tasks: Array<{ id: string }> };

beforeAll(async () => {
  stack = await createTestStack();
  office = await people(stack, `annex-edge-${stack.id}`);
  const res = await office.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: office.office, data: form } });
  expect(res.statusCode, res.body).toBe(201);
  filed = res.json();
});
afterAll(async () => {
  await stack?.close();
});

/** The answer is a problem of this status whose first field is `pointer` and whose reason matches. */
function expectProblem(res: LightMyRequestResponse, status: number, pointer: unknown, reason?: RegExp) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const body = res.json();
  expect(body).toEqual(problemAnswer({ status, errors: eachItem(fieldError(expect.any(String))) }));
  expect(body.errors?.[0]?.pointer, res.body).toEqual(pointer);
  if (reason) expect(body.errors[0].message).toMatch(reason);
}

describe('text PostgreSQL cannot store', () => {
  const NUL = /NUL character/;
  const SURROGATE = /lone UTF-16 surrogate/;

  it('is refused in a form at any depth, in property names too, with the field named, and nothing is filed', async () => {
    const file = (data: Record<string, unknown>) =>
      office.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: office.office, data } });
    expectProblem(await file({ ...form, fullName: 'Amina \ud800 Idrissi' }), 400, '/data/fullName', SURROGATE);
    expectProblem(await file({ ...form, fullName: '\u0000' }), 400, '/data/fullName', NUL);
    expectProblem(await file({ ...form, address: 'x\udc00' }), 400, '/data/address', SURROGATE);
    expectProblem(await file({ ...form, extra: { list: ['ok', 'bad\u0000'] } }), 400, '/data/extra/list/1', NUL);
    expectProblem(await file({ ...form, 'a/b\u0000': 'x' }), 400, '/data/a~1b\u0000', /property name/);
    // Paired surrogates are an ordinary character (an emoji) and go through.
    expect((await file({ ...form, fullName: 'Amina 😀 Idrissi' })).statusCode).toBe(201);
    const theirs = await stack.orm.em.fork().find(Application, { citizen: office.citizenId });
    expect(theirs.map((a) => a.data.fullName).sort()).toEqual(['Amina Idrissi', 'Amina 😀 Idrissi']);
  });

  it('is refused in the text of every action: a withdrawal reason, a complement list, task data', async () => {
    const base = `/applications/${filed.trackingNumber}`;
    expectProblem(await office.citizen({ method: 'POST', url: `${base}/withdraw`, payload: { reason: 'bye\u0000' } }), 400, '/reason', NUL);
    expectProblem(
      await office.agent({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/request-complement`, payload: { documents: ['cinCopy', '\ud83d'] } }),
      400,
      '/documents/1',
      SURROGATE,
    );
    expectProblem(
      await office.agent({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/complete`, payload: { outcome: 'approve', data: { note: '\u0000' } } }),
      400,
      '/data/note',
      NUL,
    );
    // None of them reached the workflow: the application is still open, its task too, and readable.
    const still = await office.citizen({ method: 'GET', url: base });
    expect(still.statusCode).toBe(200);
    expect(still.json()).toEqual(applicationAnswer({ status: 'open' }));
  });

  it('is refused in path parameters, query parameters and the Idempotency-Key', async () => {
    expectProblem(await office.citizen({ method: 'GET', url: '/applications/AB%00CD' }), 400, 'params:/trackingNumber', NUL);
    expectProblem(await office.agent({ method: 'POST', url: '/tasks/x%00y/claim' }), 400, 'params:/taskId', NUL);
    expectProblem(await office.agent({ method: 'GET', url: '/tasks?assignee=%00' }), 400, 'querystring:/assignee', NUL);
    expectProblem(await office.agent({ method: 'GET', url: `/tasks?procedureId=a%00&officeId=${office.office}` }), 400, 'querystring:/procedureId', NUL);
    const auditor = as(stack, await tokenFor('auditor', 'auditor-edge', [office.office]));
    expectProblem(await auditor({ method: 'GET', url: '/notifications?trackingNumber=%00' }), 400, 'querystring:/trackingNumber', NUL);
    expectProblem(await auditor({ method: 'GET', url: '/statistics?from=2026-01-01&to=2026-02-01&officeId=%00' }), 400, 'querystring:/officeId', NUL);
    expectProblem(
      await office.citizen({
        method: 'POST',
        url: '/applications',
        headers: { 'idempotency-key': 'key-\ud800' },
        payload: { procedureId: 'residence-certificate', officeId: office.office, data: form },
      }),
      400,
      'header:/idempotency-key',
      SURROGATE,
    );
  });
});

describe('bodies', () => {
  const post = (payload: string, contentType = 'application/json') =>
    office.citizen({ method: 'POST', url: '/applications', payload, headers: { 'content-type': contentType } });

  it('invalid JSON, an empty body and the wrong media type name the body and the reason', async () => {
    expectProblem(await post('{"procedureId": '), 400, '/', /not valid JSON/);
    expectProblem(await post(''), 400, '/', /empty/);
    expectProblem(await post('   '), 400, '/', /empty/);
    expectProblem(await post('<xml/>', 'application/xml'), 415, 'header:/content-type', /media type/);
  });

  it('a prototype-changing property is called what it is, not "invalid JSON"', async () => {
    expectProblem(await post('{"procedureId":"residence-certificate","data":{"__proto__":{"admin":true}}}'), 400, '/data/__proto__', /prototype/);
    expectProblem(await post('{"constructor":{"prototype":{"admin":true}}}'), 400, '/constructor', /prototype/);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('nesting ten thousand levels deep is refused with a 400, not a stack overflow', async () => {
    const deep = `{"procedureId":"residence-certificate","officeId":"x","data":{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    expectProblem(await post(deep), 400, expect.stringMatching(/^\/data\/a(\/0)+$/), /nested more than/);
    const task = `{"outcome":"approve","data":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    const res = await office.agent({ method: 'POST', url: `/tasks/${filed.tasks[0]!.id}/complete`, payload: task, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].message).toMatch(/nested more than/);
  });
});

describe('answers that used to be 500', () => {
  it('a crafted paging cursor with a date that is not one names the cursor', async () => {
    const crafted = Buffer.from(JSON.stringify(['not a date', 'x'])).toString('base64url');
    expectProblem(await office.agent({ method: 'GET', url: `/tasks?cursor=${crafted}` }), 400, 'querystring:/cursor');
    const yearZero = Buffer.from(JSON.stringify(['+275760-09-14T00:00:00.000Z', 'x'])).toString('base64url');
    expectProblem(await office.agent({ method: 'GET', url: `/tasks?cursor=${yearZero}` }), 400, 'querystring:/cursor');
    // Inside base64, a NUL escapes the edge's check on the query string.
    const withNul = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'task\u0000x'])).toString('base64url');
    expectProblem(await office.agent({ method: 'GET', url: `/tasks?cursor=${withNul}` }), 400, 'querystring:/cursor');
  });

  it('statistics over ten thousand years name the period', async () => {
    const auditor = as(stack, await tokenFor('auditor', 'auditor-edge', [office.office]));
    expectProblem(await auditor({ method: 'GET', url: '/statistics?from=0000-01-01&to=9999-12-31' }), 400, 'querystring:/from');
    expectProblem(await auditor({ method: 'GET', url: '/statistics.csv?from=2000-01-01&to=9999-12-31' }), 400, 'querystring:/to');
    expectProblem(await stack.app.inject({ method: 'GET', url: '/open-data/statistics.csv?from=2026-01-01&to=2025-12-31' }), 400, 'querystring:/to');
    expect((await auditor({ method: 'GET', url: '/statistics?from=2026-01-01&to=2026-12-31' })).statusCode).toBe(200);
  });

  it('a route that does not exist is not_found, not invalid_input', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/no/such/route' });
    expectProblem(res, 404, 'url');
    expect(res.json()).toEqual(problemAnswer({ status: 404, code: 'not_found', type: expect.stringMatching(/not_found$/), errors: [fieldError('url')] }));
  });
});

describe('requests refused before a route is found', () => {
  let port: number;
  beforeAll(async () => {
    await stack.app.listen({ host: '127.0.0.1', port: 0 });
    port = (stack.app.server.address() as net.AddressInfo).port;
  });

  /** Sends raw bytes and reads the whole answer (the server closes the connection after an error). */
  function raw(request: string | Buffer): Promise<{ status: number; contentType: string; body: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const [head = '', body = ''] = text.split('\r\n\r\n');
        const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]);
        const contentType = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '';
        try {
          resolve({ status, contentType, body: JSON.parse(body) as Record<string, unknown> });
        } catch {
          reject(new Error(`not a JSON answer: ${text}`));
        }
      });
      socket.end(request);
    });
  }

  it('bad URL encoding, an over-long parameter, a header block too large and a malformed request are problems', async () => {
    const badUrl = await raw('GET /applications/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(badUrl).toMatchObject({ status: 400, contentType: expect.stringContaining('application/problem+json'), body: { errors: [{ pointer: 'url' }] } });
    const long = await raw(`GET /applications/${'A'.repeat(5000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(long).toMatchObject({ status: 414, contentType: expect.stringContaining('application/problem+json'), body: { errors: [{ pointer: 'url' }] } });
    const header = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(header).toMatchObject({ status: 431, contentType: 'application/problem+json', body: { status: 431, errors: [{ pointer: 'header' }] } });
    const garbage = await raw('NOT AN HTTP REQUEST\r\n\r\n');
    expect(garbage).toMatchObject({ status: 400, contentType: 'application/problem+json', body: { code: 'invalid_input', errors: [{ pointer: 'request' }] } });
  });

  it('a path parameter within the router bound but over the schema bound names the parameter', async () => {
    const res = await office.citizen({ method: 'GET', url: `/applications/${'A'.repeat(300)}` });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toBe('params:/trackingNumber');
  });
});
