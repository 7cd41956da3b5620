import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from './auth.js';
import type { Principal } from '../identity/tokens.js';

const agent: Principal = { sub: 'agent-1', role: 'agent', offices: ['annex'] };

describe('verified tokens', () => {
  it('answers for a token until it expires, then forgets it', () => {
    const tokens = new VerifiedTokens();
    tokens.set('t1', agent, 2_000, 1_000);
    expect(tokens.get('t1', 1_999)).toEqual(agent);
    expect(tokens.get('t1', 2_000)).toBeUndefined();
    expect(tokens.get('t1', 1_500)).toBeUndefined();
  });

  it('keeps neither an expired token nor one it was never given', () => {
    const tokens = new VerifiedTokens();
    tokens.set('old', agent, 1_000, 1_000);
    expect(tokens.get('old', 500)).toBeUndefined();
    expect(tokens.get('other', 500)).toBeUndefined();
  });

  it('forgets the oldest token when full, and hands out copies', () => {
    const tokens = new VerifiedTokens(2);
    tokens.set('a', agent, 10_000, 0);
    tokens.set('b', agent, 10_000, 0);
    tokens.set('c', agent, 10_000, 0);
    expect(tokens.get('a', 1)).toBeUndefined();
    const b = tokens.get('b', 1)!;
    b.offices.push('elsewhere');
    expect(tokens.get('b', 1)!.offices).toEqual(['annex']);
  });
});
