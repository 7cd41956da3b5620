/**
 * What happens to an issued document after its application closed (revoked, re-issued as a new copy,
 * collected, posted), written with its timeline entry and its audit row in one transaction: the change
 * and its record never exist one without the other, and a retried request changes nothing twice.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { DomainError } from '../engine/errors.js';
import type { TimelineRecord } from './entities.js';
import { transaction } from './sql.js';

/**
 * Each change sets its columns only while they are empty, so the first request wins and a retry finds it
 * done. The statements are constants (db/sql.ts prepares them by their text).
 */
const STATEMENTS = {
  revoke: `update issued_document set revoked_at = $2, revoked_by = $3, revoked_reason = $4
            where code = $1 and revoked_at is null returning tracking_number`,
  // Issuing the new copy links the two (db/issued-documents.ts); what is left to record is the re-issue itself, once.
  reissue: `select tracking_number from issued_document d where d.code = $2 and d.supersedes = $1
             and not exists (select 1 from timeline_entry t where t.tracking_number = d.tracking_number and t.kind = 'document-reissued' and t.detail->>'newCode' = d.code)`,
  collect: `update issued_document set collected_at = $2, collected_by = $3 where code = $1 and collected_at is null returning tracking_number`,
  post: `update issued_document set posted_at = $2, postal_reference = $3 where code = $1 and posted_at is null returning tracking_number`,
} as const;

/**
 * Whether the document's issuance is in the timeline: the workflow's `document-issued` for a decision's
 * document, a `document-reissued` naming it for a copy issued here.
 */
const ISSUANCE_RECORDED = `select exists (
  select 1 from timeline_entry where tracking_number = $1
     and ((kind = 'document-issued' and detail->>'code' = $2) or (kind = 'document-reissued' and detail->>'newCode' = $2))) as found`;

export type IssuedDocumentChange =
  | { kind: 'revoke'; code: string; at: Date; by: string; reason: string }
  | { kind: 'reissue'; code: string; newCode: string; reason: string; requestKey: string | null }
  | { kind: 'collect'; code: string; at: Date; by: string }
  | { kind: 'post'; code: string; at: Date; postalReference: string };

function values(change: IssuedDocumentChange): unknown[] {
  switch (change.kind) {
    case 'revoke':
      return [change.code, change.at, change.by, change.reason];
    case 'reissue':
      return [change.code, change.newCode];
    case 'collect':
      return [change.code, change.at, change.by];
    case 'post':
      return [change.code, change.at, change.postalReference];
  }
}

/** The timeline row and its audit entry (as audit_chain_append() takes it) once the entry's number is known. */
export type EntryAt = (seq: number) => { timeline: TimelineRecord; audit: unknown };

/**
 * Applies `change` and, if it changed the row, appends the application's timeline entry and its audit
 * row; answers whether it changed anything. The application's row is locked first: the projection
 * writes under the same lock, so two writers never take the same entry number. Only a closed
 * application's timeline is written here: an open one's entries are numbered by its workflow.
 */
export async function changeIssuedDocument(orm: MikroORM, trackingNumber: string, change: IssuedDocumentChange, entryAt: EntryAt): Promise<boolean> {
  return transaction(orm, async (sql) => {
    const [application] = await sql<{ status: string }>('select status from application where tracking_number = $1 for update', [trackingNumber]);
    if (application?.status !== 'closed') {
      throw new DomainError('application_not_closed', `Application ${trackingNumber} is still being processed; its documents can be changed once it is closed.`);
    }
    // The workflow's last entry is the issuance of its document; until the timeline holds it, the
    // workflow may still number entries, and one taken here would push its own out.
    const [recorded] = await sql<{ found: boolean }>(ISSUANCE_RECORDED, [trackingNumber, change.code]);
    if (!recorded?.found) {
      throw new DomainError('application_not_closed', `The issuance of this document is still being recorded in application ${trackingNumber}; try again in a moment.`);
    }
    const changed = await sql<{ tracking_number: string }>(STATEMENTS[change.kind], values(change));
    if (changed.length === 0) return false;
    const [next] = await sql<{ seq: number }>('select coalesce(max(seq), -1) + 1 as seq from timeline_entry where tracking_number = $1', [trackingNumber]);
    const { timeline, audit } = entryAt(Number(next!.seq));
    await sql(
      `insert into timeline_entry (tracking_number, seq, at, kind, actor, step_id, task_id, detail, salt)
       values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)`,
      [timeline.trackingNumber, timeline.seq, timeline.at, timeline.kind, timeline.actor, timeline.stepId, timeline.taskId, JSON.stringify(timeline.detail), timeline.salt],
    );
    await sql('select audit_chain_append($1, $2::jsonb)', [trackingNumber, JSON.stringify([audit])]);
    return true;
  });
}
