/**
 * Tracking numbers are read out at a counter and typed at a kiosk: Crockford's base-32 alphabet (no I,
 * L, O, U), grouped by four, with a Luhn mod-32 check character that catches every single-character
 * typo and every swap of two neighbours. Example: `7KQM-4RZ8-P`.
 *
 * The eight characters carry 40 random bits. That is enough because numbers are not guessed into use:
 * each is drawn at random and reserved in PostgreSQL before its workflow starts (api/filing.ts), so a
 * collision is drawn again, and a number found is worth nothing without the right login or receipt PIN.
 * Eight characters is what a person reads out at a counter and types at a kiosk; existing numbers keep
 * their form.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BODY_LENGTH = 8;

/** Characters people confuse, read as the ones the alphabet keeps. */
const READ_AS: Record<string, string> = { I: '1', L: '1', O: '0' };

function checkCharacter(body: string): string {
  let sum = 0;
  let factor = 2;
  for (let i = body.length - 1; i >= 0; i--) {
    const value = ALPHABET.indexOf(body[i] as string);
    const addend = factor * value;
    sum += Math.floor(addend / 32) + (addend % 32);
    factor = factor === 2 ? 1 : 2;
  }
  return ALPHABET[(32 - (sum % 32)) % 32] as string;
}

function format(body: string): string {
  return `${body.slice(0, 4)}-${body.slice(4)}-${checkCharacter(body)}`;
}

/** Builds a tracking number from 8 random bytes (the caller owns the randomness, so this stays pure). */
export function trackingNumberFromBytes(bytes: Uint8Array): string {
  if (bytes.length < BODY_LENGTH) throw new Error(`need ${BODY_LENGTH} random bytes`);
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i++) body += ALPHABET[(bytes[i] as number) % 32];
  return format(body);
}

export type ParsedTrackingNumber = { ok: true; value: string } | { ok: false; reason: string };

/** Accepts what a person types (any case, with or without dashes or spaces) and returns the canonical form. */
export function parseTrackingNumber(input: string): ParsedTrackingNumber {
  const chars = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .split('')
    .map((c) => READ_AS[c] ?? c);
  if (chars.length !== BODY_LENGTH + 1) {
    return { ok: false, reason: `a tracking number has ${BODY_LENGTH + 1} characters, like 7KQM-4RZ8-P` };
  }
  const bad = chars.find((c) => !ALPHABET.includes(c));
  if (bad !== undefined) return { ok: false, reason: `"${bad}" cannot appear in a tracking number` };
  const body = chars.slice(0, BODY_LENGTH).join('');
  if (checkCharacter(body) !== chars[BODY_LENGTH]) {
    return { ok: false, reason: 'the check character does not match: a character was mistyped' };
  }
  return { ok: true, value: format(body) };
}
