import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../engine/input-bounds.js';
import { firstRefusedField } from './edge.js';

/** Property names a form could carry: any text PostgreSQL stores, `/` and `~` included. */
const storableKey = fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).filter((k) => !k.includes('\u0000') && !/\p{Cs}/u.test(k) && k !== '__proto__' && k !== 'constructor');

function nest(keys: string[], leaf: unknown): unknown {
  return keys.reduceRight<unknown>((inner, key) => ({ [key]: inner, sibling: 'Amina Idrissi' }), leaf);
}

const pointerOf = (keys: string[]) => keys.map((k) => `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

describe('firstRefusedField', () => {
  it('names exactly the field holding a NUL or a lone surrogate, however deep and whatever its name', () => {
    fc.assert(
      fc.property(fc.array(storableKey, { minLength: 1, maxLength: 20 }), fc.constantFrom('\u0000', 'a\ud800', '\udfff b'), (keys, bad) => {
        const refused = firstRefusedField(nest(keys, bad));
        expect(refused?.pointer).toBe(pointerOf(keys));
      }),
      { seed: 15, numRuns: 300 },
    );
  });

  it('lets every storable value through, emoji and right-to-left text included', () => {
    const storable = fc.jsonValue({ maxDepth: 6 }).filter((v) => {
      const text = JSON.stringify(v);
      return !text.includes('\\u0000') && !/\\ud[89a-f]/i.test(text) && !text.includes('"__proto__"');
    });
    fc.assert(
      fc.property(storable, (value) => {
        expect(firstRefusedField({ data: value, name: 'Ⴓ 𝕄 😀 \u202e عربي' })).toBeUndefined();
      }),
      { seed: 15, numRuns: 300 },
    );
  });

  it('stops at the depth bound without recursing, even a hundred thousand levels down', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(firstRefusedField(deep)?.message).toBe(`is nested more than ${MAX_JSON_DEPTH} levels deep`);
    expect(firstRefusedField(nest(Array.from({ length: MAX_JSON_DEPTH - 1 }, () => 'a'), 'ok'))).toBeUndefined();
  });
});
