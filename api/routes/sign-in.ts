import { DomainError } from '../../engine/errors.js';
import { principalOf, STAFF } from '../auth.js';
import { issueToken, ROLES } from '../../identity/tokens.js';
import type { ApiContext } from '../context.js';
import { answers, json, type ApiRoutes } from '../responses.js';

const demoTokenBody = {
  type: 'object',
  required: ['role', 'sub'],
  additionalProperties: false,
  properties: {
    role: { type: 'string', enum: ROLES },
    sub: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{1,127}$' },
    offices: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 64 } },
    name: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const signInConfigAnswer = {
  type: 'object',
  required: ['provider', 'developmentSignIn'],
  additionalProperties: false,
  properties: {
    provider: {
      type: ['object', 'null'],
      description: 'The OpenID provider to sign in with (a public client, with PKCE); null when none is configured.',
      required: ['issuer', 'clientId', 'scopes'],
      additionalProperties: false,
      properties: { issuer: { type: 'string' }, clientId: { type: 'string' }, scopes: { type: 'string' } },
    },
    developmentSignIn: { type: 'boolean', description: 'Whether POST /auth/demo-token answers (development only).' },
  },
} as const;

/** Who the caller is, in Mohla's words (api/auth.ts Principal). */
const principalAnswer = {
  type: 'object',
  required: ['sub', 'role', 'offices'],
  additionalProperties: false,
  properties: {
    sub: { type: 'string' },
    role: { type: 'string', enum: ROLES },
    offices: { type: 'array', items: { type: 'string' }, description: 'The offices an agent, supervisor or auditor works for.' },
    name: { type: 'string' },
  },
} as const;

const demoTokenAnswer = {
  type: 'object',
  required: ['token', 'principal'],
  additionalProperties: false,
  properties: { token: { type: 'string', description: 'A bearer token, valid for eight hours.' }, principal: principalAnswer },
} as const;

/** Addresses of this very machine, as a socket reports them. */
function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\./.test(v4);
}

/**
 * Development and tests only (see ApiContext.demoSignIn): a token for whoever asks, so the portal can be
 * tried end to end, by someone at this machine only: anyone else could make themselves an admin. In
 * production an identity provider issues the tokens and this route does not exist.
 */
export function signInRoutes(app: ApiRoutes, ctx: ApiContext): void {
  app.get(
    '/auth/config',
    {
      config: { access: 'public' },
      schema: {
        summary: 'How the web signs people in: the OpenID provider (public client, PKCE), the development sign-in',
        tags: ['sign-in'],
        operationId: 'getSignInConfig',
        response: answers({ 200: json('The ways to sign in.', signInConfigAnswer) }),
      },
    },
    async () => ({
      provider: ctx.oidc?.clientId ? { issuer: ctx.oidc.issuer, clientId: ctx.oidc.clientId, scopes: ctx.oidc.scopes } : null,
      developmentSignIn: Boolean(ctx.demoSignIn),
    }),
  );

  // A provider's token says who the person is in the provider's words; the web asks Mohla for its reading.
  app.get(
    '/auth/me',
    {
      config: { access: ROLES },
      schema: {
        summary: 'Who the bearer token says the caller is, in Mohla: role, offices',
        tags: ['sign-in'],
        operationId: 'getCurrentUser',
        response: answers({ 200: json('The caller.', principalAnswer) }),
      },
    },
    async (request) => principalOf(request),
  );

  if (!ctx.demoSignIn) return;
  app.post(
    '/auth/demo-token',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Development only: a token for anyone',
        tags: ['development'],
        operationId: 'issueDemoToken',
        body: demoTokenBody,
        response: answers({ 200: json('A token for the person asked for.', demoTokenAnswer) }),
      },
    },
    async (request) => {
      // The peer of the socket, not request.ip: a forwarded-for header is the caller's word, and a caller
      // relayed by a proxy on this machine is not on this machine.
      if (!isLoopback(request.socket.remoteAddress) || request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined) {
        throw new DomainError('forbidden', 'The development sign-in answers only to callers on this machine; sign in with the identity provider.');
      }
      const { role, sub, name } = request.body;
      const offices = [...(request.body.offices ?? [])];
      if ((STAFF.includes(role) || role === 'auditor') && !offices.length) {
        throw new DomainError('invalid_input', `A ${role} works for at least one office.`, [{ pointer: '/offices', message: 'must name an office' }]);
      }
      const principal = { sub, role, offices, ...(name ? { name } : {}) };
      return { token: await issueToken(ctx.secret, principal, 8 * 3600), principal };
    },
  );
}
