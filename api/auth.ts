import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { DomainError } from '../engine/errors.js';
import type { OidcSettings, TokenRules } from '../infra/config.js';
import { mohlaTokenVerifier, type Principal, type Role, type VerifiedToken } from '../identity/tokens.js';
import { TokenTimeError } from '../identity/token-rules.js';
import { oidcVerifier, UnmappedClaimsError, type OidcVerifierOptions } from './oidc.js';
import { WEB_PREFIXES } from './web.js';

/** Every route says who may call it; a route without a policy is refused at start-up. */
export type Access = 'public' | readonly Role[];

export interface RoutePolicy {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its access policy: the authorization matrix test walks this list. */
    routePolicies: RoutePolicy[];
  }
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

export const STAFF: readonly Role[] = ['agent', 'supervisor'];

const DEFAULT_TOKEN_RULES: TokenRules = { maxLifetimeSeconds: 12 * 3600, clockSkewSeconds: 60 };

export interface TokenSources {
  secret: string;
  tokens?: TokenRules;
  oidc?: OidcSettings;
  oidcOptions?: OidcVerifierOptions;
}

export type TokenVerifier = (token: string) => Promise<VerifiedToken>;

/**
 * One verifier for every issuer Mohla trusts, chosen by the token's (unverified) issuer; each then checks
 * the signature with its own keys and algorithms, so naming an issuer gains a forger nothing.
 */
export function tokenVerifier(sources: TokenSources): TokenVerifier {
  const rules = sources.tokens ?? DEFAULT_TOKEN_RULES;
  const mohla = mohlaTokenVerifier(sources.secret, rules);
  const provider = sources.oidc ? oidcVerifier(sources.oidc, rules, sources.oidcOptions) : undefined;
  return async (token) => {
    const issuer = decodeJwt(token).iss;
    if (provider && issuer === sources.oidc?.issuer) return provider(token);
    return mohla(token);
  };
}

/**
 * Tokens already verified, until they expire. A client sends the same token with every request for
 * hours, and checking its signature again is most of what authenticating a request costs. Keyed by the
 * whole token, so only that very token, once verified, is taken; bounded, the oldest forgotten first.
 */
export class VerifiedTokens {
  private readonly tokens = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(private readonly capacity = 10_000) {}

  get(token: string, nowMs: number): Principal | undefined {
    const known = this.tokens.get(token);
    if (!known) return undefined;
    if (known.expiresAtMs <= nowMs) {
      this.tokens.delete(token);
      return undefined;
    }
    // A copy: a handler changing its request's principal must not change the next request's.
    return { ...known.principal, offices: [...known.principal.offices] };
  }

  set(token: string, principal: Principal, expiresAtMs: number, nowMs: number): void {
    if (expiresAtMs <= nowMs) return;
    if (this.tokens.size >= this.capacity) this.tokens.delete(this.tokens.keys().next().value as string);
    this.tokens.set(token, { principal, expiresAtMs });
  }
}

function unauthorized(detail: string): DomainError {
  return new DomainError('unauthorized', detail);
}

/** Routes registered by plugins (API documentation, the front end's files) that anyone may read. */
const PUBLIC_PREFIXES = ['/docs', ...WEB_PREFIXES];

/**
 * Authentication (a bearer token) and the route's access policy, checked before any handler runs:
 * 401 without a valid token, 403 with a valid token whose role the route does not admit.
 */
export function registerAuth(app: FastifyInstance, verify: TokenVerifier): void {
  const verified = new VerifiedTokens();
  app.decorate('routePolicies', [] as RoutePolicy[]);
  app.addHook('onRoute', (route) => {
    if (PUBLIC_PREFIXES.some((prefix) => route.url.startsWith(prefix))) {
      route.config = { ...(route.config as object), access: 'public' };
      return;
    }
    const access = (route.config as { access?: Access } | undefined)?.access;
    if (!access) throw new Error(`route ${route.method} ${route.url} declares no access policy`);
    for (const method of ([] as string[]).concat(route.method)) {
      if (method !== 'HEAD') app.routePolicies.push({ method, url: route.url, access });
    }
  });
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    const header = request.headers.authorization;
    if (header) {
      const [scheme, token] = header.split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token) throw unauthorized('Send the token as "Authorization: Bearer <token>".');
      const now = Date.now();
      request.principal = verified.get(token, now);
      if (!request.principal) {
        try {
          const { principal, expiresAtMs } = await verify(token);
          verified.set(token, principal, expiresAtMs, now);
          request.principal = { ...principal, offices: [...principal.offices] };
        } catch (err) {
          // The identity provider being away is not the caller's fault: 503, not 401.
          if (err instanceof DomainError) throw err;
          throw unauthorized(err instanceof TokenTimeError || err instanceof UnmappedClaimsError ? `The token is refused: ${err.message}.` : 'The token is not valid or has expired.');
        }
      }
    }
    if (!access || access === 'public') return;
    if (!request.principal) throw unauthorized('This needs a bearer token.');
    if (!access.includes(request.principal.role)) {
      throw new DomainError('forbidden', `A ${request.principal.role} may not do this; it takes: ${access.join(', ')}.`);
    }
  });
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized('This needs a bearer token.');
  return request.principal;
}

/** Staff see their offices' work; an admin sees every office. */
export function worksFor(principal: Principal, officeId: string): boolean {
  return principal.role === 'admin' || principal.offices.includes(officeId);
}

/**
 * Whether a caller may read an application: its citizen, staff and auditors of its office, an admin.
 * Anyone else is told it does not exist, so tracking numbers cannot be probed.
 */
export function maySeeApplication(principal: Principal, application: { citizen: string; officeId: string }): boolean {
  switch (principal.role) {
    case 'citizen':
      return application.citizen === principal.sub;
    case 'agent':
    case 'supervisor':
    case 'auditor':
    case 'admin':
      return worksFor(principal, application.officeId);
    default:
      return false;
  }
}

/** The PIN printed on the receipt: derived from the tracking number with the server's secret, never stored. */
export function receiptPin(secret: string, trackingNumber: string): string {
  const digest = createHmac('sha256', secret).update(`pin:${trackingNumber}`).digest();
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

export function pinMatches(secret: string, trackingNumber: string, pin: string): boolean {
  const expected = Buffer.from(receiptPin(secret, trackingNumber));
  const given = Buffer.from(pin.padStart(6, '0').slice(-6));
  return pin.length === 6 && timingSafeEqual(expected, given);
}
