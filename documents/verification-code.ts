/**
 * The code printed on an issued document, which anyone holding the paper types in to check it. Written
 * here rather than taken from a library: the alphabet and the check are Mohla's own choices, and the
 * whole scheme fits in a few lines over `crypto.randomInt`.
 */
import { randomInt } from 'node:crypto';

/**
 * 29 symbols: digits and capitals less those read as another (0 and O, 1 and I and L, 2 and Z, U and V).
 * A prime count makes the weighted check below catch every single wrong character and every swap.
 */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXY';
const BASE = ALPHABET.length;

/** Random characters, then one check character: 29^15 ≈ 2^72 codes, far beyond guessing through a rate limit. */
const RANDOM_LENGTH = 15;
export const VERIFICATION_CODE_LENGTH = RANDOM_LENGTH + 1;
const GROUP = 4;

/** A code in its stored form: 16 characters of the alphabet, no separators. */
export type VerificationCode = string & { readonly __brand: 'VerificationCode' };

/**
 * The check character makes Σ (position × value) ≡ 0 mod 29, positions counted from 1. The weights 1…16
 * differ mod 29 and no value difference is a multiple of 29, so changing one character, or exchanging
 * any two different characters, always breaks the sum.
 */
function checkCharacter(values: number[]): string {
  const sum = values.reduce((total, value, i) => total + (i + 1) * value, 0);
  const weight = values.length + 1;
  // The check value c solves weight·c ≡ −sum (mod 29): the inverse of the weight, by Fermat.
  const inverse = modPow(weight, BASE - 2, BASE);
  return ALPHABET[(((BASE - (sum % BASE)) % BASE) * inverse) % BASE]!;
}

function modPow(base: number, exponent: number, modulus: number): number {
  let result = 1;
  for (let i = 0; i < exponent; i++) result = (result * base) % modulus;
  return result;
}

/** A new code from the system's cryptographic random source; the store's unique index has the last word. */
export function newVerificationCode(): VerificationCode {
  const values = Array.from({ length: RANDOM_LENGTH }, () => randomInt(BASE));
  return (values.map((v) => ALPHABET[v]).join('') + checkCharacter(values)) as VerificationCode;
}

/** The code as printed and shown: groups of four joined by dashes, e.g. `K7QM-3XHD-9RTB-WC4P`. */
export function formatVerificationCode(code: VerificationCode): string {
  return code.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');
}

export type VerificationCodeCheck = { ok: true; code: VerificationCode } | { ok: false; reason: string };

/** Arabic-Indic and Eastern Arabic-Indic digits, as an Arabic keyboard types them, become Latin ones. */
const ARABIC_DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/gu;

/**
 * What a person typed, read as a code: case, spaces and dashes of any kind do not matter, full-width and
 * Arabic digits count as theirs. A code with a character outside the alphabet, of the wrong length or
 * whose check character does not match is refused here, before any lookup.
 */
export function parseVerificationCode(typed: string): VerificationCodeCheck {
  const cleaned = typed
    .normalize('NFKC')
    .replace(ARABIC_DIGITS, (d) => String((d.codePointAt(0)! & 0xf) % 10))
    .replace(/[\s\p{Pd}]/gu, '')
    .toUpperCase();
  if (cleaned === '') return { ok: false, reason: 'the verification code is empty' };
  const stray = [...cleaned].find((c) => !ALPHABET.includes(c));
  if (stray !== undefined) {
    return { ok: false, reason: `the verification code holds "${stray}", which codes never use (they are made of ${ALPHABET})` };
  }
  if (cleaned.length !== VERIFICATION_CODE_LENGTH) {
    return { ok: false, reason: `the verification code has ${cleaned.length} characters; codes have ${VERIFICATION_CODE_LENGTH}` };
  }
  const values = [...cleaned].map((c) => ALPHABET.indexOf(c));
  if (checkCharacter(values.slice(0, RANDOM_LENGTH)) !== cleaned[RANDOM_LENGTH]) {
    return { ok: false, reason: 'the verification code is mistyped: its last character does not match the others' };
  }
  return { ok: true, code: cleaned as VerificationCode };
}

/**
 * The code of a document, derived from bytes that are already unpredictable (an HMAC under a secret):
 * the same issuance always gets the same code, so a retry after a crash reprints the very same document.
 * Two bytes per character, reduced mod 29: the bias (65536 mod 29 = 25 of 65536) is far too small to help a guess.
 */
export function verificationCodeFrom(random: Buffer): VerificationCode {
  if (random.length < RANDOM_LENGTH * 2) throw new Error(`a verification code needs ${RANDOM_LENGTH * 2} random bytes`);
  const values = Array.from({ length: RANDOM_LENGTH }, (_, i) => random.readUInt16BE(i * 2) % BASE);
  return (values.map((v) => ALPHABET[v]).join('') + checkCharacter(values)) as VerificationCode;
}
