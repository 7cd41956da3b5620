/** The documents handed in for applications: their rows; the bytes are in the document storage. */
import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationDocument, type DocumentRecord } from './entities.js';
import { query } from './sql.js';

/** An application's documents, in the order they were handed in. */
export async function documentsOf(orm: MikroORM, trackingNumber: string): Promise<DocumentRecord[]> {
  return orm.em.fork().find(ApplicationDocument, { trackingNumber }, { orderBy: { uploadedAt: 'asc' } });
}

export async function findDocument(orm: MikroORM, key: Pick<DocumentRecord, 'trackingNumber' | 'documentId' | 'sha256'>): Promise<DocumentRecord | null> {
  return orm.em.fork().findOne(ApplicationDocument, { trackingNumber: key.trackingNumber, documentId: key.documentId, sha256: key.sha256 });
}

/** Which of these documents the application holds at least one file of. */
export async function uploadedDocumentIds(orm: MikroORM, trackingNumber: string, documentIds: readonly string[]): Promise<Set<string>> {
  const rows = await orm.em.fork().find(ApplicationDocument, { trackingNumber, documentId: { $in: [...documentIds] } });
  return new Set(rows.map((d) => d.documentId));
}

/** Where the files of an application's documents are kept. */
export async function documentStorageKeysOf(orm: MikroORM, trackingNumber: string): Promise<string[]> {
  const rows = await query<{ storage_key: string }>(orm, 'select storage_key from application_document where tracking_number = $1', [trackingNumber]);
  return rows.map((r) => r.storage_key);
}

/** What a document's slot (one document of one application) holds when a file arrives. */
export interface DocumentSlot {
  /** Files of other content. */
  others: number;
  /** Whether these very bytes are there already. */
  holdsThese: boolean;
}

/**
 * Adds a file to its slot, one upload per slot at a time: `admit` sees what the slot holds, refuses by
 * throwing, and does what must happen before the row exists (keeping the bytes), all within the slot's
 * lock, so concurrent uploads cannot pass a bound together. The same bytes handed in again are the
 * same document: the row is kept, not duplicated.
 */
export async function addDocument(orm: MikroORM, document: Omit<DocumentRecord, 'uploadedAt'>, admit: (slot: DocumentSlot) => Promise<void>): Promise<void> {
  const { trackingNumber, documentId, sha256 } = document;
  await orm.em.fork().transactional(async (em) => {
    await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`document-slot:${trackingNumber}:${documentId}`]);
    const others = await em.count(ApplicationDocument, { trackingNumber, documentId, sha256: { $ne: sha256 } });
    const again = await em.count(ApplicationDocument, { trackingNumber, documentId, sha256 });
    await admit({ others, holdsThese: again > 0 });
    await em
      .createQueryBuilder(ApplicationDocument)
      .insert({ ...document, uploadedAt: new Date() })
      .onConflict(['trackingNumber', 'documentId', 'sha256'])
      .ignore()
      .execute();
  });
}
