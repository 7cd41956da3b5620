/**
 * Issuing a document: its verification code, its PDF, the signature over the PDF's hash, the bytes kept
 * in the document storage and the row in the register. Issuing the same thing twice (a retried activity,
 * a replayed workflow, a crash half-way) gives the one document issued first.
 *
 * Why the code is derived, not drawn: the row can only be written once the PDF exists (it holds the
 * hash and signature), so a worker dying between storing the bytes and writing the row leaves bytes
 * without a row. The code is an HMAC of the issue key, under a secret derived from the signing key, and
 * rendering is deterministic: the retry prints the very same PDF, under the same storage key, and
 * records it. A code drawn at random would make the retry print another document. The HMAC keeps the
 * code as unguessable as a random one to anyone without the key.
 */
import { createHash, createHmac } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { issuedDocumentByIssueKey, recordIssuedDocument, type IssuedDocument, type IssuedDocumentDelivery } from '../db/issued-documents.js';
import type { DocumentData, DocumentTemplate } from './document-data.js';
import { documentKeyRing, verificationUrl } from './key-ring.js';
import { DocumentRenderer } from './renderer.js';
import { embedPadesSignature, type PadesSigner } from './pades.js';
import { signDocument, type DocumentKeyRing } from './signatures.js';
import type { DocumentStorage } from './storage.js';
import { verificationCodeFrom, type VerificationCode } from './verification-code.js';

export interface IssueRequest {
  trackingNumber: string;
  officeId: string;
  procedureId: string;
  /** The definition's document key. */
  document: string;
  kind: DocumentTemplate;
  /** What the template prints, all but the verification block, which issuing adds. */
  data: Omit<DocumentData, 'verification'>;
  /** One per decision, one per re-issued copy. */
  issueKey: string;
  delivery: IssuedDocumentDelivery;
  /** The code of the copy this one replaces (a re-issue). */
  supersedes?: string;
  /** The agent who re-issued it; none when the engine issued it. */
  issuedBy?: string;
}

export interface IssuingContext {
  orm: MikroORM;
  storage: DocumentStorage;
  /** Where `/verify/<code>` is served, printed and in the QR code. */
  publicUrl: string;
  ring?: DocumentKeyRing;
  renderer?: DocumentRenderer;
  /** The office's certificate for a PAdES signature inside the PDF (DOCUMENT_PADES_P12); none: Ed25519 only. */
  pades?: PadesSigner;
}

let sharedRenderer: DocumentRenderer | undefined;

/** One renderer per process: loading the fonts is its cost. */
function renderer(): DocumentRenderer {
  sharedRenderer ??= new DocumentRenderer();
  return sharedRenderer;
}

/** The code of the document an issue key issues: stable across retries, unguessable without the key. */
export function issuedCode(ring: DocumentKeyRing, issueKey: string): VerificationCode {
  const secret = createHash('sha256')
    .update('mohla issued document codes\0')
    .update(ring.signer.privateKey.export({ format: 'der', type: 'pkcs8' }))
    .digest();
  return verificationCodeFrom(createHmac('sha256', secret).update(issueKey).digest());
}

/** Where an issued document's bytes are kept: by application and content, so storing them again is harmless. */
export const issuedStorageKey = (trackingNumber: string, sha256: string): string => `issued/${trackingNumber}/${sha256}.pdf`;

export async function issueDocument(context: IssuingContext, request: IssueRequest): Promise<IssuedDocument> {
  const existing = await issuedDocumentByIssueKey(context.orm, request.issueKey);
  if (existing) return existing;
  const ring = context.ring ?? (await documentKeyRing());
  const code = issuedCode(ring, request.issueKey);
  const rendered = await (context.renderer ?? renderer()).render(request.kind, {
    ...request.data,
    verification: { code, url: verificationUrl(context.publicUrl, code) },
  });
  // The PAdES signature first, inside the file; the Ed25519 signature then covers the file as issued.
  const issuedAt = new Date();
  const pdf = context.pades ? await embedPadesSignature(rendered, context.pades, issuedAt, `${request.document} ${code}`) : rendered;
  const signature = signDocument(pdf, ring);
  const storageKey = issuedStorageKey(request.trackingNumber, signature.sha256);
  await context.storage.put(storageKey, pdf);
  const recorded = await recordIssuedDocument(context.orm, {
    code,
    trackingNumber: request.trackingNumber,
    officeId: request.officeId,
    procedureId: request.procedureId,
    kind: request.kind,
    documentName: request.document,
    issueKey: request.issueKey,
    sha256: signature.sha256,
    storageKey,
    signature: signature.signature,
    keyId: signature.keyId,
    languages: [...request.data.languages],
    delivery: request.delivery,
    issuedAt,
    issuedBy: request.issuedBy ?? null,
    supersedes: request.supersedes ?? null,
  });
  // Another attempt issued it first (a retry that overlapped a slow one). With a PAdES signature, whose
  // signing time differs, this attempt's file is other bytes under another key: nothing points at it.
  if (recorded.storageKey !== storageKey) await context.storage.remove(storageKey);
  return recorded;
}
