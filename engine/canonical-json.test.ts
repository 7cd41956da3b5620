import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonical JSON', () => {
  it('gives the same text whatever the order of keys, at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 'x' })).toBe('{"a":"x","b":1}');
  });

  it('drops undefined properties as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
  });
});

describe('canonical JSON of deeply nested data', () => {
  it('encodes a body nested far deeper than the call stack allows, the same way JSON.stringify does', () => {
    const depth = 200_000;
    const text = `${'['.repeat(depth)}{"b":1,"a":"x"}${']'.repeat(depth)}`;
    const encoded = canonicalJson(JSON.parse(text));
    expect(encoded).toBe(`${'['.repeat(depth)}{"a":"x","b":1}${']'.repeat(depth)}`);
  });

  it('keeps the text of mixed arrays and objects that stored hashes were made with', () => {
    expect(canonicalJson({ z: [1, 'a', null, true, { y: [], x: {} }], a: { c: [undefined, 2], b: 'é"' } })).toBe(
      '{"a":{"b":"é\\"","c":[null,2]},"z":[1,"a",null,true,{"x":{},"y":[]}]}',
    );
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('x')).toBe('"x"');
  });
});
