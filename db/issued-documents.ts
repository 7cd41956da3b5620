/**
 * The register of issued documents (certificates, attestations, refusal letters): one row per document
 * that left Mohla, keyed by its verification code. The bytes are in the document storage; the row is
 * kept when retention erases them (`storageKey` null), so a document can still be verified.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { query } from './sql.js';

export type IssuedDocumentKind = 'certificate' | 'attestation' | 'refusal-letter';
export type IssuedDocumentDelivery = 'download' | 'collection' | 'post';

export interface IssuedDocument {
  /** The verification code in its stored form (documents/verification-code.ts). */
  code: string;
  trackingNumber: string;
  officeId: string;
  procedureId: string;
  kind: IssuedDocumentKind;
  /** The definition's document key, e.g. `residence-certificate`. */
  documentName: string;
  /** One per decision (and one per re-issue): the same key never gives a second row. */
  issueKey: string;
  /** SHA-256 of the PDF's bytes, hex. */
  sha256: string;
  /** Where the bytes are; null once retention erased them. */
  storageKey: string | null;
  /** Ed25519 signature of the digest, base64url (documents/signatures.ts). */
  signature: string;
  keyId: string;
  languages: string[];
  delivery: IssuedDocumentDelivery;
  issuedAt: Date;
  /** Null when the engine issued it; the agent's subject for a re-issued copy. */
  issuedBy: string | null;
  supersedes: string | null;
  supersededBy: string | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  revokedReason: string | null;
  collectedAt: Date | null;
  collectedBy: string | null;
  postedAt: Date | null;
  postalReference: string | null;
}

/** What issuing writes; the lifecycle columns (superseded, revoked, collected, posted) start empty. */
export type NewIssuedDocument = Pick<
  IssuedDocument,
  'code' | 'trackingNumber' | 'officeId' | 'procedureId' | 'kind' | 'documentName' | 'issueKey' | 'sha256' | 'storageKey' | 'signature' | 'keyId' | 'languages' | 'delivery' | 'issuedAt'
> &
  Partial<Pick<IssuedDocument, 'issuedBy' | 'supersedes'>>;

interface IssuedDocumentRow {
  code: string;
  tracking_number: string;
  office_id: string;
  procedure_id: string;
  kind: IssuedDocumentKind;
  document_name: string;
  issue_key: string;
  sha256: string;
  storage_key: string | null;
  signature: string;
  key_id: string;
  languages: string[];
  delivery: IssuedDocumentDelivery;
  issued_at: Date | string;
  issued_by: string | null;
  supersedes: string | null;
  superseded_by: string | null;
  revoked_at: Date | string | null;
  revoked_by: string | null;
  revoked_reason: string | null;
  collected_at: Date | string | null;
  collected_by: string | null;
  posted_at: Date | string | null;
  postal_reference: string | null;
}

/** The ORM's connections hand timestamps over as text. */
function instant(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}

function fromRow(row: IssuedDocumentRow): IssuedDocument {
  return {
    code: row.code,
    trackingNumber: row.tracking_number,
    officeId: row.office_id,
    procedureId: row.procedure_id,
    kind: row.kind,
    documentName: row.document_name,
    issueKey: row.issue_key,
    sha256: row.sha256,
    storageKey: row.storage_key,
    signature: row.signature,
    keyId: row.key_id,
    languages: row.languages,
    delivery: row.delivery,
    issuedAt: instant(row.issued_at)!,
    issuedBy: row.issued_by,
    supersedes: row.supersedes,
    supersededBy: row.superseded_by,
    revokedAt: instant(row.revoked_at),
    revokedBy: row.revoked_by,
    revokedReason: row.revoked_reason,
    collectedAt: instant(row.collected_at),
    collectedBy: row.collected_by,
    postedAt: instant(row.posted_at),
    postalReference: row.postal_reference,
  };
}

const COLUMNS = `code, tracking_number, office_id, procedure_id, kind, document_name, issue_key, sha256, storage_key, signature, key_id,
  languages, delivery, issued_at, issued_by, supersedes, superseded_by, revoked_at, revoked_by, revoked_reason, collected_at, collected_by,
  posted_at, postal_reference`;

/**
 * Records an issued document. A row already there under the same issue key wins: it is returned and
 * nothing is written, so a retried issuance never leaves two rows or two codes for one decision. A
 * document that supersedes another is linked both ways in the same statement.
 */
export async function recordIssuedDocument(orm: MikroORM, row: NewIssuedDocument): Promise<IssuedDocument> {
  const inserted = await query<IssuedDocumentRow>(
    orm,
    `with inserted as (
       insert into issued_document (code, tracking_number, office_id, procedure_id, kind, document_name, issue_key, sha256, storage_key,
                                    signature, key_id, languages, delivery, issued_at, issued_by, supersedes)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::text[], $13, $14, $15, $16)
       on conflict (issue_key) do nothing
       returning ${COLUMNS}
     ), linked as (
       update issued_document set superseded_by = inserted.code from inserted
        where issued_document.code = inserted.supersedes
     )
     select ${COLUMNS} from inserted`,
    [
      row.code,
      row.trackingNumber,
      row.officeId,
      row.procedureId,
      row.kind,
      row.documentName,
      row.issueKey,
      row.sha256,
      row.storageKey,
      row.signature,
      row.keyId,
      row.languages,
      row.delivery,
      row.issuedAt,
      row.issuedBy ?? null,
      row.supersedes ?? null,
    ],
  );
  if (inserted[0]) return fromRow(inserted[0]);
  const existing = await issuedDocumentByIssueKey(orm, row.issueKey);
  if (!existing) throw new Error(`issued document ${row.issueKey} was neither inserted nor found`);
  return existing;
}

export async function issuedDocumentByIssueKey(orm: MikroORM, issueKey: string): Promise<IssuedDocument | null> {
  const rows = await query<IssuedDocumentRow>(orm, `select ${COLUMNS} from issued_document where issue_key = $1`, [issueKey]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function issuedDocumentByCode(orm: MikroORM, code: string): Promise<IssuedDocument | null> {
  const rows = await query<IssuedDocumentRow>(orm, `select ${COLUMNS} from issued_document where code = $1`, [code]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** An application's issued documents, in the order they were issued. */
export async function issuedDocumentsOf(orm: MikroORM, trackingNumber: string): Promise<IssuedDocument[]> {
  const rows = await query<IssuedDocumentRow>(orm, `select ${COLUMNS} from issued_document where tracking_number = $1 order by issued_at, code`, [trackingNumber]);
  return rows.map(fromRow);
}

/** Where the bytes of an application's issued documents are kept (retention deletes them first). */
export async function issuedDocumentStorageKeysOf(orm: MikroORM, trackingNumber: string): Promise<string[]> {
  const rows = await query<{ storage_key: string }>(
    orm,
    'select storage_key from issued_document where tracking_number = $1 and storage_key is not null',
    [trackingNumber],
  );
  return rows.map((r) => r.storage_key);
}

/**
 * Retention, once the bytes are deleted: the rows stay (code, hash, dates) so that verification keeps
 * working, without a pointer to bytes that are gone.
 */
export async function forgetIssuedDocumentBytes(orm: MikroORM, trackingNumber: string): Promise<void> {
  await query(orm, 'update issued_document set storage_key = null where tracking_number = $1 and storage_key is not null', [trackingNumber]);
}
