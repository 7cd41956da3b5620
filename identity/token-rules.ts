/**
 * What every bearer token must say about time, whoever issued it: when it was issued (not in the future)
 * and when it expires (not too long after). A token valid for years is a leaked key waiting to happen.
 */
import type { JWTPayload } from 'jose';
import type { TokenRules } from '../infra/config.js';

export class TokenTimeError extends Error {}

/** The token's expiry in milliseconds, once its times pass the rules; throws TokenTimeError otherwise. */
export function checkTokenTimes(payload: JWTPayload, rules: TokenRules, nowMs: number): number {
  const { iat, exp } = payload;
  if (typeof exp !== 'number') throw new TokenTimeError('the token has no expiry (exp)');
  if (typeof iat !== 'number') throw new TokenTimeError('the token has no issue time (iat)');
  const now = nowMs / 1000;
  if (iat > now + rules.clockSkewSeconds) throw new TokenTimeError('the token was issued in the future (iat)');
  if (exp <= now - rules.clockSkewSeconds) throw new TokenTimeError('the token has expired');
  if (exp - iat > rules.maxLifetimeSeconds) throw new TokenTimeError(`the token lives longer than ${rules.maxLifetimeSeconds} s`);
  return exp * 1000;
}
