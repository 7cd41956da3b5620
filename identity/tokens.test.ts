import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { issueToken, mohlaTokenVerifier, type Principal } from './tokens.js';

const agent: Principal = { sub: 'agent-1', role: 'agent', offices: ['annex'] };
const rules = { maxLifetimeSeconds: 12 * 3600, clockSkewSeconds: 60 };

describe("Mohla's own tokens", () => {
  it('live exactly their lifetime when issued a moment before a second ends, so the API accepts a full-length one', async () => {
    const lastMillisecond = Math.floor(Date.now() / 1000) * 1000 + 999;
    const token = await issueToken('a-secret-long-enough-for-hs256', agent, rules.maxLifetimeSeconds, lastMillisecond);
    const { iat, exp } = decodeJwt(token);
    expect(exp! - iat!).toBe(rules.maxLifetimeSeconds);
    expect((await mohlaTokenVerifier('a-secret-long-enough-for-hs256', rules)(token)).principal).toEqual(agent);
  });
});
