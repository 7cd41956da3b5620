/**
 * Mohla's own bearer tokens (development, `mohla token`, the tests): the claims they carry — who, in which
 * role, for which offices — how they are signed with JWT_SECRET and read back. Below both the CLI, which
 * issues them, and the API, which verifies them beside the identity provider's (api/oidc.ts).
 */
import { webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { TokenRules } from '../infra/config.js';
import { checkTokenTimes } from './token-rules.js';

export const ROLES = ['citizen', 'agent', 'supervisor', 'designer', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the subject of a valid token. */
export interface Principal {
  sub: string;
  role: Role;
  /** The offices (commune, annex) an agent, supervisor or auditor works for. */
  offices: string[];
  name?: string;
}

/** What checking a token answers, whoever issued it: who, and until when the answer holds. */
export interface VerifiedToken {
  principal: Principal;
  expiresAtMs: number;
}

const encode = (secret: string) => new TextEncoder().encode(secret);

/**
 * Signs a token for `lifetimeSeconds` (12 hours, the longest the API accepts by default). The issue time
 * and the expiry are counted from one reading of the clock: read twice across a second's boundary, they
 * would be one second further apart than the lifetime, and the API would refuse a full-length token.
 */
export async function issueToken(secret: string, principal: Principal, lifetimeSeconds = 12 * 3600, nowMs = Date.now()): Promise<string> {
  const issuedAt = Math.floor(nowMs / 1000);
  return new SignJWT({ role: principal.role, offices: principal.offices, ...(principal.name ? { name: principal.name } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(principal.sub)
    .setIssuedAt(issuedAt)
    .setIssuer('mohla')
    .setExpirationTime(issuedAt + lifetimeSeconds)
    .sign(encode(secret));
}

/** The verification key, imported once per secret: importing it is most of what a verification costs. */
const verificationKeys = new Map<string, Promise<webcrypto.CryptoKey>>();

function verificationKey(secret: string): Promise<webcrypto.CryptoKey> {
  let key = verificationKeys.get(secret);
  if (!key) {
    key = webcrypto.subtle.importKey('raw', encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    verificationKeys.set(secret, key);
  }
  return key;
}

/** Mohla's own tokens (development, `mohla token`): HS256 with JWT_SECRET, issuer "mohla". */
export function mohlaTokenVerifier(secret: string, rules: TokenRules) {
  return async function verifyMohlaToken(token: string): Promise<VerifiedToken> {
    const { payload } = await jwtVerify(token, await verificationKey(secret), {
      issuer: 'mohla',
      algorithms: ['HS256'],
      clockTolerance: rules.clockSkewSeconds,
    });
    const expiresAtMs = checkTokenTimes(payload, rules, Date.now());
    const role = payload.role as Role;
    if (!payload.sub || !ROLES.includes(role)) throw new Error('token without a subject or a known role');
    const offices = Array.isArray(payload.offices) ? payload.offices.filter((o): o is string => typeof o === 'string') : [];
    return {
      principal: { sub: payload.sub, role, offices, ...(typeof payload.name === 'string' ? { name: payload.name } : {}) },
      expiresAtMs,
    };
  };
}
