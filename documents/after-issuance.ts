/**
 * Changes to an issued document once its application has closed: a supervisor's revocation, an agent's
 * re-issue of a lost copy, a collection at the office, a posting. Each is recorded in the application's
 * timeline and the audit chain by the same transaction that makes it (db/issued-document-changes.ts).
 *
 * The application's workflow has finished when its document exists, so these are not sent to it: its
 * history stays what it was at closing, and the timeline continues in PostgreSQL, numbered after the
 * workflow's last entry, with the same audit chain as every other entry.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { chainEntries } from '../audit/chain-format.js';
import { hasPersonalFields, newSalt } from '../audit/commitment.js';
import { changeIssuedDocument, type IssuedDocumentChange } from '../db/issued-document-changes.js';
import { timelineRow } from '../db/rows.js';
import type { TimelineEntry } from '../engine/interpreter/state.js';

/** The timeline entry each change leaves: what the audit log keeps of it (a reason only as a commitment). */
function entryOf(change: IssuedDocumentChange, actor: string): TimelineEntry {
  switch (change.kind) {
    case 'revoke':
      return { at: change.at.toISOString(), kind: 'document-revoked', actor, detail: { code: change.code, reason: change.reason } };
    case 'reissue':
      return {
        at: new Date().toISOString(),
        kind: 'document-reissued',
        actor,
        detail: { code: change.code, newCode: change.newCode, reason: change.reason, ...(change.requestKey ? { request: change.requestKey } : {}) },
      };
    case 'collect':
      return { at: change.at.toISOString(), kind: 'document-collected', actor, detail: { code: change.code } };
    case 'post':
      return { at: change.at.toISOString(), kind: 'document-posted', actor, detail: { code: change.code, postalReference: change.postalReference } };
  }
}

/** Makes the change and records it; false when it had been made already (a retry, or a second request). */
export function recordDocumentChange(orm: MikroORM, trackingNumber: string, change: IssuedDocumentChange, actor: string): Promise<boolean> {
  const entry = entryOf(change, actor);
  const salt = hasPersonalFields(entry.detail ?? {}) ? newSalt() : null;
  return changeIssuedDocument(orm, trackingNumber, change, (seq) => ({
    timeline: timelineRow(trackingNumber, seq, entry, salt),
    audit: chainEntries(trackingNumber, [{ seq, entry, salt }])[0],
  }));
}
