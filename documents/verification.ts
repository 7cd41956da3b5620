/**
 * What anyone holding a document learns by checking it: whether Mohla issued it, whether it still
 * stands, and, given the file or its hash, whether these are the bytes issued under the code and signed
 * by a published key. Only what the paper already shows, without the holder's name or identity number:
 * the paper has them, the answer does not need them.
 */
import { createHash, verify as verifySignature } from 'node:crypto';
import type { DocumentKeyRing } from './signatures.js';

/** The record of an issued document as verification needs it; personal data is not part of it. */
export interface IssuedRecord {
  code: string;
  trackingNumber: string;
  officeId: string;
  procedureId: string;
  kind: string;
  documentName: string;
  sha256: string;
  signature: string;
  keyId: string;
  issuedAt: Date;
  supersededBy: string | null;
  revokedAt: Date | null;
  revokedReason: string | null;
}

export type DocumentStatus =
  | { status: 'valid' }
  | { status: 'revoked'; revokedAt: string; reason: string }
  /** Replaced by a new copy: the new copy's code is the holder's, not anyone's who checks this one. */
  | { status: 'superseded'; supersededAt: string | null };

/** The status as the page shows it: a revocation outranks a replacement, since it says why. */
export function documentStatus(record: IssuedRecord, supersededAt: Date | null): DocumentStatus {
  if (record.revokedAt) return { status: 'revoked', revokedAt: record.revokedAt.toISOString(), reason: record.revokedReason ?? '' };
  if (record.supersededBy) return { status: 'superseded', supersededAt: supersededAt ? supersededAt.toISOString() : null };
  return { status: 'valid' };
}

export type SignatureStanding = { ok: true } | { ok: false; reason: string };

/**
 * Whether the record's signature over its recorded hash verifies with a published key: a row whose
 * hash was changed in the database, or signed by a key Mohla does not publish, fails here.
 */
export function recordSignature(record: Pick<IssuedRecord, 'sha256' | 'signature' | 'keyId'>, ring: DocumentKeyRing): SignatureStanding {
  const key = ring.verifiers.get(record.keyId);
  if (!key) return { ok: false, reason: `the document was signed by key ${record.keyId}, which is not among the published document keys` };
  const digest = Buffer.from(record.sha256, 'hex');
  if (digest.length !== 32 || !verifySignature(null, digest, key, Buffer.from(record.signature, 'base64url'))) {
    return { ok: false, reason: `the signature recorded for this document does not verify with key ${record.keyId}` };
  }
  return { ok: true };
}

export type BytesCheck = { authentic: true } | { authentic: false; reason: string };

/** Whether the presented bytes (or their SHA-256, hex) are the document issued under the record's code, with a valid signature. */
export function checkPresented(record: IssuedRecord, presented: { sha256: string }, ring: DocumentKeyRing): BytesCheck {
  if (presented.sha256.toLowerCase() !== record.sha256) {
    return {
      authentic: false,
      reason: 'these bytes are not the document issued under this code: their SHA-256 differs from the one recorded at issuance (the file was changed, or belongs to another code)',
    };
  }
  const signature = recordSignature(record, ring);
  return signature.ok ? { authentic: true } : { authentic: false, reason: signature.reason };
}

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
