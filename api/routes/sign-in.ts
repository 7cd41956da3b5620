import type { FastifyInstance } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import { DomainError } from '../../engine/errors.js';
import { principalOf, STAFF } from '../auth.js';
import { issueToken, ROLES } from '../../identity/tokens.js';
import type { ApiContext } from '../context.js';

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
export function signInRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/auth/config',
    { config: { access: 'public' }, schema: { summary: 'How the web signs people in: the OpenID provider (public client, PKCE), the development sign-in', tags: ['sign-in'] } },
    async () => ({
      provider: ctx.oidc?.clientId ? { issuer: ctx.oidc.issuer, clientId: ctx.oidc.clientId, scopes: ctx.oidc.scopes } : null,
      developmentSignIn: Boolean(ctx.demoSignIn),
    }),
  );

  // A provider's token says who the person is in the provider's words; the web asks Mohla for its reading.
  app.get(
    '/auth/me',
    { config: { access: ROLES }, schema: { summary: 'Who the bearer token says the caller is, in Mohla: role, offices', tags: ['sign-in'] } },
    async (request) => principalOf(request),
  );

  if (!ctx.demoSignIn) return;
  app.post<{ Body: FromSchema<typeof demoTokenBody> }>(
    '/auth/demo-token',
    { config: { access: 'public' }, schema: { summary: 'Development only: a token for anyone', tags: ['development'], body: demoTokenBody } },
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
      return { token: await issueToken(ctx.secret, principal, '8h'), principal };
    },
  );
}
