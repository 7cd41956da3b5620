/**
 * The codec endpoint of the Temporal UI (Temporal's codec-server protocol: `POST /codec/decode` and
 * `/codec/encode` with `{ payloads: [{ metadata, data }] }` in proto JSON), so auditors and admins can
 * read in the UI what Temporal holds encrypted. The UI's browser calls it from the UI's origin: with the
 * UI server's access-token pass-through on a cluster (a bearer token), or with the staff session cookie
 * that `POST /codec/session` sets, since the CLI dev server hands the UI an address and nothing else.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import cookie from '@fastify/cookie';
import type { Payload } from '@temporalio/common';
import { DomainError } from '../../engine/errors.js';
import { codecOf } from '../../infra/data-converter.js';
import { principalOf } from '../auth.js';
import { ROLES, type Principal, type Role } from '../../identity/tokens.js';
import type { ApiContext, CodecEndpointSettings } from '../context.js';
import { answers, json, noContent, type ApiRoutes } from '../responses.js';

const CODEC_COOKIE = 'mohla_codec';
const CODEC_PATH = '/codec';
const CODEC_READERS: readonly Role[] = ['auditor', 'admin'];
/** Encoding makes payloads under the server's keys: nothing an auditor, who only reads, needs. */
const CODEC_WRITERS: readonly Role[] = ['admin'];
/** The routes the Temporal UI calls from its own origin. */
const UI_ROUTES = new Set([`${CODEC_PATH}/decode`, `${CODEC_PATH}/encode`]);

const DEFAULT_SETTINGS: CodecEndpointSettings = { uiOrigins: [], sessionMinutes: 15, secureCookie: false };

/**
 * The cookie's token is signed with a key of its own, derived from the secret, so it is no bearer token:
 * the API refuses it everywhere but here, and a bearer token is no cookie.
 */
function sessionKey(secret: string): Uint8Array {
  return createHmac('sha256', secret).update('mohla codec session').digest();
}

async function issueSession(secret: string, principal: Principal, expiresAtS: number): Promise<string> {
  return new SignJWT({ role: principal.role, offices: principal.offices })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(principal.sub)
    .setIssuer('mohla')
    .setAudience('mohla-codec')
    .setIssuedAt()
    .setExpirationTime(expiresAtS)
    .sign(sessionKey(secret));
}

async function readSession(secret: string, token: string): Promise<Principal | undefined> {
  try {
    const { payload } = await jwtVerify(token, sessionKey(secret), { issuer: 'mohla', audience: 'mohla-codec', algorithms: ['HS256'], requiredClaims: ['exp'] });
    const role = payload.role as Role;
    if (!payload.sub || !ROLES.includes(role)) return undefined;
    const offices = Array.isArray(payload.offices) ? payload.offices.filter((o): o is string => typeof o === 'string') : [];
    return { sub: payload.sub, role, offices };
  } catch {
    return undefined;
  }
}

function settingsOf(ctx: ApiContext): CodecEndpointSettings {
  return { ...DEFAULT_SETTINGS, ...ctx.codecEndpoint };
}

/**
 * Must be registered before the bearer-token check (registerAuth): a call of the UI that carries the
 * session cookie and no Authorization header is authenticated by the cookie, and by nothing else.
 */
export async function registerCodecSession(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const settings = settingsOf(ctx);
  // Another part of the API may have registered the cookie plugin already (one registration per app).
  if (!app.hasRequestDecorator('cookies')) await app.register(cookie);
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || !UI_ROUTES.has(request.url.split('?')[0] ?? '')) return;
    // Before authentication, so that the UI can read a 401 or 403 for what it is.
    allowUiOrigin(request, reply, settings);
    if (request.headers.authorization) return;
    const token = request.cookies[CODEC_COOKIE];
    if (!token) return;
    const principal = await readSession(ctx.secret, token);
    if (!principal) throw new DomainError('unauthorized', 'The codec session has expired: sign in to Mohla again.');
    request.principal = principal;
  });
}

/** CORS with credentials for the Temporal UI's origins only; written here because it concerns two routes. */
function allowUiOrigin(request: FastifyRequest, reply: FastifyReply, settings: CodecEndpointSettings): boolean {
  const origin = request.headers.origin;
  reply.header('vary', 'Origin');
  if (!origin || !settings.uiOrigins.includes(origin)) return false;
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-allow-credentials', 'true');
  return true;
}

const payloadJson = {
  type: 'object',
  additionalProperties: true,
  properties: {
    metadata: { type: 'object', additionalProperties: { type: 'string', maxLength: 1024 }, maxProperties: 32 },
    data: { type: 'string' },
  },
} as const;

const payloadsBody = {
  type: 'object',
  required: ['payloads'],
  additionalProperties: false,
  properties: { payloads: { type: 'array', maxItems: 1000, items: payloadJson } },
} as const;

type PayloadJson = FromSchema<typeof payloadJson>;

/** Payloads in proto JSON, as the Temporal UI reads them: metadata and data in base64. */
const payloadsAnswer = {
  type: 'object',
  required: ['payloads'],
  additionalProperties: false,
  properties: {
    payloads: {
      type: 'array',
      items: {
        type: 'object',
        required: ['metadata', 'data'],
        additionalProperties: false,
        properties: { metadata: { type: 'object', additionalProperties: { type: 'string' } }, data: { type: 'string' } },
      },
    },
  },
} as const;

function fromJson(payload: PayloadJson, index: number): Payload {
  const base64 = (text: string, pointer: string) => {
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) {
      throw new DomainError('invalid_input', `${pointer} is not base64.`, [{ pointer, message: 'must be base64' }]);
    }
    return new Uint8Array(Buffer.from(text, 'base64'));
  };
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) metadata[key] = base64(value, `/payloads/${index}/metadata/${key}`);
  return { metadata, data: base64(payload.data ?? '', `/payloads/${index}/data`) };
}

function toJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) if (value) metadata[key] = Buffer.from(value).toString('base64');
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

export function codecRoutes(app: ApiRoutes, ctx: ApiContext): void {
  const settings = settingsOf(ctx);
  const codec = codecOf(ctx.temporal);

  app.post(
    `${CODEC_PATH}/session`,
    {
      config: { access: CODEC_READERS },
      schema: {
        summary: 'Lets the Temporal UI in this browser decode payloads for a while (a cookie scoped to /codec); the web calls it after sign-in',
        tags: ['audit'],
        operationId: 'openCodecSession',
        response: answers({ 204: noContent('The session cookie is set.') }),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const bearer = request.headers.authorization?.split(' ')[1] ?? '';
      const bearerExpiry = decodeJwt(bearer).exp;
      const nowS = Math.floor(Date.now() / 1000);
      // Never longer than the token it was exchanged for.
      const expiresAtS = Math.min(nowS + settings.sessionMinutes * 60, typeof bearerExpiry === 'number' ? bearerExpiry : nowS);
      const token = await issueSession(ctx.secret, principal, expiresAtS);
      reply.setCookie(CODEC_COOKIE, token, { path: CODEC_PATH, httpOnly: true, secure: settings.secureCookie, sameSite: 'strict', maxAge: Math.max(0, expiresAtS - nowS) });
      return reply.status(204).send(null);
    },
  );

  app.delete(
    `${CODEC_PATH}/session`,
    {
      config: { access: 'public' },
      schema: {
        summary: 'Ends the Temporal UI’s codec session in this browser (sign-out)',
        tags: ['audit'],
        operationId: 'closeCodecSession',
        response: answers({ 204: noContent('The session cookie is cleared.') }),
      },
    },
    async (_request, reply) => {
      reply.clearCookie(CODEC_COOKIE, { path: CODEC_PATH, httpOnly: true, secure: settings.secureCookie, sameSite: 'strict' });
      return reply.status(204).send(null);
    },
  );

  for (const direction of ['decode', 'encode'] as const) {
    const url = `${CODEC_PATH}/${direction}`;
    const preflight = {
      summary: `CORS preflight of ${url} for the Temporal UI`,
      tags: ['audit'],
      operationId: direction === 'decode' ? 'preflightDecodePayloads' : 'preflightEncodePayloads',
      response: answers({ 204: noContent("The CORS headers, for the Temporal UI's origins only.") }),
    } as const;
    app.options(url, { config: { access: 'public' }, schema: preflight }, async (request, reply) => {
      // Another origin gets an answer without CORS headers: its browser then refuses to send the call.
      if (!allowUiOrigin(request, reply, settings)) return reply.status(204).send(null);
      reply.header('access-control-allow-methods', 'POST');
      reply.header('access-control-allow-headers', 'Content-Type, Authorization, X-Namespace');
      reply.header('access-control-max-age', '600');
      return reply.status(204).send(null);
    });

    app.post(
      url,
      {
        config: { access: direction === 'decode' ? CODEC_READERS : CODEC_WRITERS },
        schema: {
          summary: `Temporal UI codec: ${direction}s payloads (${direction === 'decode' ? 'auditors and admins' : 'admins'})`,
          tags: ['audit'],
          operationId: direction === 'decode' ? 'decodePayloads' : 'encodePayloads',
          body: payloadsBody,
          response: answers({ 200: json(`The payloads, ${direction}d, in the same order.`, payloadsAnswer) }),
        },
      },
      async (request) => {
        const converted: Payload[] = [];
        for (const [index, payload] of request.body.payloads.map(fromJson).entries()) {
          try {
            converted.push(...(await codec[direction]([payload])));
          } catch (err) {
            const reason = (err as Error).message;
            throw new DomainError('invalid_input', `/payloads/${index} cannot be ${direction}d: ${reason}.`, [{ pointer: `/payloads/${index}`, message: reason }]);
          }
        }
        return { payloads: converted.map(toJson) };
      },
    );
  }
}
