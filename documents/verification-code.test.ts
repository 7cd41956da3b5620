import { describe, expect, it } from 'vitest';
import { formatVerificationCode, newVerificationCode, parseVerificationCode, VERIFICATION_CODE_LENGTH } from './verification-code.js';

describe('verification codes', () => {
  const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXY';
  const draws = Array.from({ length: 20_000 }, () => newVerificationCode());

  it('are 16 characters of an alphabet without look-alikes, different at each draw, printed in groups of four', () => {
    expect(new Set(draws).size).toBe(draws.length);
    for (const drawn of draws) {
      expect(drawn).toMatch(new RegExp(`^[${ALPHABET}]{${VERIFICATION_CODE_LENGTH}}$`));
      expect(parseVerificationCode(drawn)).toEqual({ ok: true, code: drawn });
    }
    // Every symbol turns up at every random position: no position is stuck or narrowed.
    for (let position = 0; position < VERIFICATION_CODE_LENGTH - 1; position++) {
      expect(new Set(draws.map((d) => d[position])).size, `position ${position}`).toBe(ALPHABET.length);
    }
    expect(formatVerificationCode(draws[0]!)).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  });

  it('refuse every single wrong character and every exchange of two characters', () => {
    for (const drawn of draws.slice(0, 50)) {
      for (let i = 0; i < drawn.length; i++) {
        for (const symbol of ALPHABET) {
          if (symbol === drawn[i]) continue;
          const typo = drawn.slice(0, i) + symbol + drawn.slice(i + 1);
          expect(parseVerificationCode(typo).ok, typo).toBe(false);
        }
        for (let j = i + 1; j < drawn.length; j++) {
          if (drawn[i] === drawn[j]) continue;
          const chars = [...drawn];
          [chars[i], chars[j]] = [chars[j]!, chars[i]!];
          expect(parseVerificationCode(chars.join('')).ok, chars.join('')).toBe(false);
        }
      }
    }
  });

  it('are read whatever the case, spaces and dashes, and refused with a reason before any lookup', () => {
    const drawn = draws[1]!;
    const printed = formatVerificationCode(drawn);
    const fullWidth = [...printed].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
    for (const typed of [printed, printed.toLowerCase(), ` ${printed.replaceAll('-', ' ')} `, printed.replaceAll('-', '\u2013'), fullWidth, drawn]) {
      expect(parseVerificationCode(typed), typed).toEqual({ ok: true, code: drawn });
    }
    const withArabicDigits = printed.replace(/[2-9]/g, (d) => String.fromCodePoint(0x0660 + Number(d)));
    expect(parseVerificationCode(withArabicDigits)).toEqual({ ok: true, code: drawn });
    expect(parseVerificationCode('')).toEqual({ ok: false, reason: 'the verification code is empty' });
    expect(parseVerificationCode(`${printed.slice(0, -1)}O`)).toMatchObject({ ok: false, reason: expect.stringContaining('holds "O"') });
    expect(parseVerificationCode(printed.slice(0, -1))).toMatchObject({ ok: false, reason: expect.stringContaining('has 15 characters') });
  });
});
