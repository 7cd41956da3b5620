/**
 * The Temporal UI's codec endpoint: auditors and admins read encrypted histories in the UI, through a
 * session cookie (the dev server's UI cannot send a token) or a passed-through bearer token, and only
 * from the UI's own origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldError, problemAnswer } from './helpers/answers.js';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.js';
import { loadConfig } from '../infra/config.js';
import { ensureTemporalCli } from '../infra/temporal-cli.js';
import { startDevServer } from '../infra/temporal-server.js';
import { codecEndpointUrl } from '../infra/temporal-ui.js';
import { searchAttributes } from '../workflows/search-attributes.js';
import { freePort } from './helpers/ports.js';
import { apiContext, bearer, createTestStack, eventually, people, tokenFor, type TestStack } from './helpers/stack.js';

const UI = 'http://127.0.0.1:8233';
const form = { fullName: 'Hind Lahlou', cin: 'FK778899', address: '4 rue Ibn Sina, Berkane' };

let stack: TestStack;
let app: FastifyInstance;
/** The encrypted input of a filed application, in the codec-server protocol's JSON. */
let storedInput: { metadata: Record<string, string>; data: string };

async function appWith(secureCookie: boolean): Promise<FastifyInstance> {
  const app = await buildApp(apiContext(stack, { offices: [], codecEndpoint: { uiOrigins: [UI], sessionMinutes: 15, secureCookie } }));
  stack.answers.watch(app);
  return app;
}

beforeAll(async () => {
  stack = await createTestStack();
  app = await appWith(false);
  const { citizen, office } = await people(stack, `annex-codec-${stack.id}`);
  const filed = await citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: office, data: form } });
  expect(filed.statusCode, filed.body).toBe(201);
  const history = await stack.client.workflow.getHandle(filed.json().trackingNumber).fetchHistory();
  const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  storedInput = {
    metadata: Object.fromEntries(Object.entries(input.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
    data: Buffer.from(input.data!).toString('base64'),
  };
});
afterAll(async () => {
  await app?.close();
  await stack?.close();
});

const cookieOf = (setCookie: string | string[] | undefined) => String(setCookie).split(';')[0]!;
const decodeCall = (headers: Record<string, string>, payloads: unknown[] = [storedInput]) =>
  app.inject({ method: 'POST', url: '/codec/decode', headers: { origin: UI, 'x-namespace': 'default', ...headers }, payload: { payloads } });

describe('the codec endpoint', () => {
  it('decodes for the Temporal UI with the session cookie an auditor got after signing in, answering its origin with credentials', async () => {
    expect(Buffer.from(storedInput.data, 'base64').toString('latin1')).not.toContain(form.cin);
    const session = await app.inject({ method: 'POST', url: '/codec/session', headers: bearer(await tokenFor('auditor', 'auditor-codec', ['annex-x'])) });
    expect(session.statusCode).toBe(204);
    const setCookie = String(session.headers['set-cookie']);
    expect(setCookie).toMatch(/^mohla_codec=[^;]+; Max-Age=900; Path=\/codec; HttpOnly; SameSite=Strict$/);

    const decoded = await decodeCall({ cookie: cookieOf(setCookie) });
    expect(decoded.statusCode, decoded.body).toBe(200);
    expect(decoded.headers['access-control-allow-origin']).toBe(UI);
    expect(decoded.headers['access-control-allow-credentials']).toBe('true');
    const [payload] = decoded.json().payloads;
    expect(Buffer.from(payload.metadata.encoding, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'))).toMatchObject({ data: form });

    // Encoding (what the UI sends back, a signal's input say) makes payloads under the server's keys: an
    // auditor only reads; an administrator may.
    const encode = (cookie: string) => app.inject({ method: 'POST', url: '/codec/encode', headers: { origin: UI, cookie }, payload: { payloads: [payload] } });
    expect((await encode(cookieOf(setCookie))).statusCode).toBe(403);
    const adminSession = await app.inject({ method: 'POST', url: '/codec/session', headers: bearer(await tokenFor('admin', 'admin-codec-encode')) });
    const encoded = await encode(cookieOf(adminSession.headers['set-cookie']));
    expect(encoded.statusCode, encoded.body).toBe(200);
    expect(Buffer.from(encoded.json().payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
  });

  it('decodes with a bearer token passed through by the UI server (a cluster)', async () => {
    const res = await decodeCall(bearer(await tokenFor('admin', 'admin-codec')));
    expect(res.statusCode).toBe(200);
  });

  it('answers 401 without a session, with CORS headers so the UI can say why, and refuses other roles', async () => {
    const none = await decodeCall({});
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(none.headers['access-control-allow-origin']).toBe(UI);
    for (const role of ['citizen', 'agent', 'supervisor', 'designer'] as const) {
      const token = await tokenFor(role, `${role}-codec`, ['annex-x']);
      expect((await app.inject({ method: 'POST', url: '/codec/session', headers: bearer(token) })).statusCode, role).toBe(403);
      expect((await decodeCall(bearer(token))).statusCode, role).toBe(403);
    }
    expect((await decodeCall({ cookie: 'mohla_codec=forged.token.value' })).statusCode).toBe(401);
  });

  it('lets only the UI origins through a preflight, and nobody use the cookie as a bearer token', async () => {
    const preflight = (origin: string) =>
      app.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
    const ui = await preflight(UI);
    expect(ui.statusCode).toBe(204);
    expect(ui.headers).toMatchObject({ 'access-control-allow-origin': UI, 'access-control-allow-credentials': 'true', 'access-control-allow-methods': 'POST' });
    expect(String(ui.headers['access-control-allow-headers'])).toMatch(/X-Namespace/);
    const evil = await preflight('https://evil.example');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect(evil.headers['access-control-allow-methods']).toBeUndefined();
    expect((await decodeCall({ ...bearer(await tokenFor('admin')), origin: 'https://evil.example' })).headers['access-control-allow-origin']).toBeUndefined();

    const session = await app.inject({ method: 'POST', url: '/codec/session', headers: bearer(await tokenFor('admin', 'admin-codec')) });
    const cookieToken = cookieOf(session.headers['set-cookie']).split('=')[1]!;
    expect((await app.inject({ method: 'GET', url: '/tasks', headers: bearer(cookieToken) })).statusCode).toBe(401);
    expect((await decodeCall(bearer(cookieToken))).statusCode).toBe(401);
  });

  it('names the payload it cannot decode', async () => {
    const tampered = { ...storedInput, data: Buffer.from(Buffer.from(storedInput.data, 'base64').map((b, i) => (i === 30 ? b ^ 1 : b))).toString('base64') };
    const res = await decodeCall(bearer(await tokenFor('admin')), [storedInput, tampered]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(problemAnswer({ status: 400, code: 'invalid_input', errors: [fieldError('/payloads/1')] }));
  });

  it('sets a Secure cookie in production', async () => {
    const production = await appWith(true);
    try {
      const session = await production.inject({ method: 'POST', url: '/codec/session', headers: bearer(await tokenFor('admin')) });
      expect(String(session.headers['set-cookie'])).toContain('; Secure');
    } finally {
      await production.close();
    }
  });

  it('is where the Temporal UI of mohla dev asks for payloads to be decoded', async () => {
    const config = loadConfig({ PORT: '3999' });
    const cli = await ensureTemporalCli({ log: () => undefined });
    const uiPort = await freePort();
    const server = await startDevServer({ cli: cli.path, port: await freePort(), uiPort, uiCodecEndpoint: codecEndpointUrl(config), searchAttributes });
    try {
      // The UI's server may come up a moment after Temporal's frontend.
      const settings = await eventually(() => fetch(`${server.uiUrl}/api/v1/settings`).then((res) => res.json() as Promise<{ Codec: { Endpoint: string } }>));
      expect(settings.Codec.Endpoint).toBe('http://127.0.0.1:3999/codec');
    } finally {
      await server.stop();
    }
  });
});
