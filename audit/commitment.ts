/**
 * How the audit log keeps its proof of what a person wrote without keeping the words. A timeline entry's
 * free-text fields (a withdrawal's reason, an extension's, a decision's motivation, a failed service's
 * error, which may echo form data) are audited as a salted SHA-256 commitment. The salt stays beside the
 * timeline entry. While both are there, `mohla audit verify` recomputes the commitment. Erasure deletes
 * the words and the salt: the audit row is unchanged, so its chain holds, and the commitment alone
 * reveals nothing, not even a guessable short text.
 */
import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from '../engine/canonical-json.js';

export const PERSONAL_DETAIL_FIELDS = ['reason', 'motivation', 'error'] as const;

export interface Commitment {
  committed: string;
}

export const newSalt = () => randomBytes(32).toString('hex');

function commitment(salt: string, value: unknown): string {
  return createHash('sha256').update(`${salt}\n${canonicalJson(value)}`).digest('hex');
}

const personal = (field: string) => (PERSONAL_DETAIL_FIELDS as readonly string[]).includes(field);

export function hasPersonalFields(detail: Record<string, unknown>): boolean {
  return Object.keys(detail).some(personal);
}

/** The detail as the audit log holds it: each personal field replaced by its commitment. */
export function auditedDetail(detail: Record<string, unknown>, salt: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(detail).map(([field, value]) => [field, personal(field) && value !== undefined ? { committed: commitment(salt, value) } : value]));
}

export const isCommitment = (value: unknown): value is Commitment =>
  typeof value === 'object' && value !== null && typeof (value as Commitment).committed === 'string' && Object.keys(value).length === 1;
