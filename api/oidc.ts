/**
 * Tokens from an OpenID provider: signatures checked against the provider's published keys (JWKS), and
 * its claims turned into a Mohla principal by the configured mapping.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { DomainError } from '../engine/errors.js';
import type { OidcSettings, TokenRules } from '../infra/config.js';
import { ROLES, type Principal, type Role, type VerifiedToken } from '../identity/tokens.js';
import { checkTokenTimes } from '../identity/token-rules.js';

/** Asymmetric algorithms only: a provider's token signed with a shared secret is refused. */
const PROVIDER_ALGORITHMS = ['RS256', 'ES256'];

/** The token's claims do not describe anyone Mohla knows (no role, two roles, a staff role without office). */
export class UnmappedClaimsError extends Error {}

function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v.length > 0);
  return [];
}

/** The provider's claims as a Mohla principal, by the configured mapping. */
export function principalFromClaims(payload: JWTPayload, settings: OidcSettings): Principal {
  if (!payload.sub) throw new UnmappedClaimsError('the token names no subject');
  const mapped = new Set<Role>();
  for (const name of strings(claimAt(payload, settings.roleClaim))) {
    const role = Object.keys(settings.roleMap).length ? settings.roleMap[name] : name;
    if (role && (ROLES as readonly string[]).includes(role)) mapped.add(role as Role);
  }
  if (mapped.size > 1) throw new UnmappedClaimsError(`the token maps to several roles (${[...mapped].join(', ')}); a person acts in one`);
  const role = [...mapped][0] ?? (settings.defaultRole as Role | undefined);
  if (!role) throw new UnmappedClaimsError(`the token's ${settings.roleClaim} claim maps to no Mohla role`);
  const offices = [...new Set(strings(claimAt(payload, settings.officesClaim)))];
  return { sub: payload.sub, role, offices, ...(typeof payload.name === 'string' ? { name: payload.name } : {}) };
}

export interface OidcVerifierOptions {
  /**
   * Least time between two fetches of the key set when a token names a key we do not know (a rotation):
   * forged key ids must not make us hammer the provider. jose's remote key set enforces it.
   */
  jwksCooldownMs?: number;
  /** How long a failed discovery is kept before the provider is asked again. */
  discoveryRetryMs?: number;
}

/** Whether the provider could not be asked (down, slow), as opposed to a token it did not sign. */
function providerAway(err: unknown): boolean {
  if (err instanceof joseErrors.JWKSTimeout) return true;
  if (err instanceof joseErrors.JOSEError) return false;
  return err instanceof TypeError || (err as { name?: string }).name === 'AbortError';
}

export function oidcVerifier(settings: OidcSettings, rules: TokenRules, options: OidcVerifierOptions = {}) {
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  /** The key set's address, from the provider's discovery document (read once, again after a failure). */
  async function discover(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const base = settings.issuer.replace(/\/$/, '');
    const res = await fetch(`${base}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new TypeError(`the provider's discovery document answered ${res.status}`);
    const metadata = (await res.json()) as { issuer?: string; jwks_uri?: string };
    // OpenID Connect Discovery: the document must name the very issuer it was fetched for.
    if (metadata.issuer !== settings.issuer || !metadata.jwks_uri) {
      throw new Error(`the provider at ${settings.issuer} describes issuer ${metadata.issuer ?? '(none)'} or no jwks_uri`);
    }
    return createRemoteJWKSet(new URL(metadata.jwks_uri), { cooldownDuration: options.jwksCooldownMs ?? 30_000, timeoutDuration: 5000 });
  }

  return async function verifyProviderToken(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      keys ??= discover();
      const asked = keys;
      const jwks = await asked.catch((err: unknown) => {
        // Asked again after a pause, not at every request: forged tokens naming the issuer must not turn
        // each request into a fetch from a provider that is down.
        setTimeout(() => {
          if (keys === asked) keys = undefined;
        }, options.discoveryRetryMs ?? 30_000).unref();
        throw err;
      });
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: PROVIDER_ALGORITHMS,
        clockTolerance: rules.clockSkewSeconds,
      }));
    } catch (err) {
      if (providerAway(err)) throw new DomainError('service_unavailable', 'The identity provider does not answer; try again shortly.');
      throw err;
    }
    const expiresAtMs = checkTokenTimes(payload, rules, Date.now());
    return { principal: principalFromClaims(payload, settings), expiresAtMs };
  };
}
