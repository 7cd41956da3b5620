import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

export interface SecurityHeaderOptions {
  /** The OpenID provider the web signs in with (OIDC_ISSUER): the pages may call its origin. */
  oidcIssuer?: string;
}

/** Where the API's own documentation lives; Swagger UI needs a looser style policy than Mohla's pages. */
const DOCS_PREFIX = '/docs';

/**
 * The policy every page of Mohla lives with: scripts, styles and data only from Mohla's own origin (and
 * the identity provider's, for the sign-in's token exchange), never an inline script or style, never in a
 * frame. A script injected into a page therefore cannot run, and a page cannot be framed for clickjacking.
 */
function contentSecurityPolicy(options: SecurityHeaderOptions): Record<string, string[]> {
  const issuer = issuerOrigin(options.oidcIssuer);
  return {
    'default-src': ["'self'"],
    'base-uri': ["'none'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...(issuer ? [issuer] : [])],
    'form-action': ["'self'", ...(issuer ? [issuer] : [])],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
}

/** Swagger UI sets style attributes in its markup; everything else stays as strict as for Mohla's pages. */
function docsPolicy(options: SecurityHeaderOptions): string {
  const directives = { ...contentSecurityPolicy(options), 'style-src': ["'self'", "'unsafe-inline'"] };
  return serialise(directives);
}

function serialise(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

function issuerOrigin(issuer: string | undefined): string | undefined {
  if (!issuer) return undefined;
  try {
    return new URL(issuer).origin;
  } catch {
    return undefined;
  }
}

/**
 * Browser security headers on every answer, API and pages alike (@fastify/helmet): the content security
 * policy above, nosniff, no referrer beyond Mohla's origin (tracking numbers are in URLs), no framing.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(options) },
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
    // Pages open no windows of other origins that must reach back (the sign-in is a full-page redirect).
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    // An HTTPS-only promise belongs to the TLS front of a deployment, which knows its own host names.
    strictTransportSecurity: false,
  });
  const docs = docsPolicy(options);
  app.addHook('onSend', async (request, reply) => {
    // The route, not the URL: a query string must not take a page out of the documentation's policy or into it.
    const route = request.routeOptions.url ?? '';
    if (route === DOCS_PREFIX || route.startsWith(`${DOCS_PREFIX}/`)) reply.header('content-security-policy', docs);
  });
}
