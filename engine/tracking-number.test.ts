import { describe, expect, it } from 'vitest';
import { parseTrackingNumber, trackingNumberFromBytes } from './tracking-number.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const sample = trackingNumberFromBytes(new Uint8Array([7, 19, 23, 20, 4, 24, 31, 8]));

describe('tracking numbers', () => {
  it('are grouped by four with a check character', () => {
    expect(sample).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/);
    expect(sample.startsWith('7KQM-4RZ8-')).toBe(true);
  });

  it('are read back whatever the case, dashes and spaces a person types', () => {
    const typed = ` ${sample.toLowerCase().replace(/-/g, ' ')} `;
    expect(parseTrackingNumber(typed)).toEqual({ ok: true, value: sample });
    expect(parseTrackingNumber(sample.replace(/-/g, ''))).toEqual({ ok: true, value: sample });
  });

  it('read O as 0 and I or L as 1, the letters the alphabet leaves out', () => {
    const withZero = trackingNumberFromBytes(new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(parseTrackingNumber(withZero.replace('0', 'O').replace('1', 'l'))).toEqual({ ok: true, value: withZero });
  });

  it('catch every single mistyped character', () => {
    const body = sample.replace(/-/g, '');
    for (let i = 0; i < body.length; i++) {
      for (const c of ALPHABET) {
        if (c === body[i]) continue;
        const typo = body.slice(0, i) + c + body.slice(i + 1);
        expect(parseTrackingNumber(typo).ok, typo).toBe(false);
      }
    }
  });

  it('catch every swap of two neighbouring characters', () => {
    const body = sample.replace(/-/g, '');
    for (let i = 0; i < body.length - 1; i++) {
      if (body[i] === body[i + 1]) continue;
      const swapped = body.slice(0, i) + body[i + 1] + body[i] + body.slice(i + 2);
      expect(parseTrackingNumber(swapped).ok, swapped).toBe(false);
    }
  });

  it('explain what is wrong', () => {
    expect(parseTrackingNumber('7KQM')).toMatchObject({ ok: false, reason: expect.stringContaining('9 characters') });
    expect(parseTrackingNumber('7KQM-4RZ8-!')).toMatchObject({ ok: false, reason: expect.stringContaining('"!"') });
  });
});
