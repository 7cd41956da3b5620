/**
 * An application terminated by an administrator, as the read model records it. A terminated workflow
 * runs no more code, so it cannot project its own end: this writes what its projection would have — the
 * application closed with outcome `terminated`, its open tasks cancelled, a `terminated` timeline entry
 * and its audit entry through the same audit_chain_append() the projection uses — and closes the
 * application's open incidents, in one transaction.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { chainEntries } from '../audit/chain-format.js';
import { hasPersonalFields, newSalt } from '../audit/commitment.js';
import type { TimelineEntry } from '../engine/interpreter/state.js';
import { transaction } from './sql.js';

export interface Termination {
  trackingNumber: string;
  /** The administrator (their subject), as the timeline names actors. */
  actor: string;
  reason: string;
  at: Date;
}

/**
 * Records the termination once: answers false when the application was already recorded as terminated
 * (a retried request changes nothing), undefined when the read model has no such application.
 */
export async function recordTermination(orm: MikroORM, termination: Termination): Promise<boolean | undefined> {
  const { trackingNumber, actor, reason, at } = termination;
  return transaction(orm, async (sql) => {
    const [application] = await sql<{ outcome: string | null }>('select outcome from application where tracking_number = $1 for update', [trackingNumber]);
    if (!application) return undefined;
    if (application.outcome === 'terminated') return false;
    const [last] = await sql<{ seq: number | null }>('select max(seq) as seq from timeline_entry where tracking_number = $1', [trackingNumber]);
    const seq = (last?.seq ?? -1) + 1;
    const entry: TimelineEntry = { at: at.toISOString(), kind: 'terminated', actor, detail: { reason } };
    const salt = hasPersonalFields(entry.detail ?? {}) ? newSalt() : null;
    await sql(
      `insert into timeline_entry (tracking_number, seq, at, kind, actor, step_id, task_id, detail, salt) values ($1, $2, $3, 'terminated', $4, null, null, $5::jsonb, $6)`,
      [trackingNumber, seq, at, actor, JSON.stringify(entry.detail), salt],
    );
    await sql(`update task set status = 'cancelled', completed_at = $2, updated_at = $2 where tracking_number = $1 and status in ('open', 'claimed')`, [trackingNumber, at]);
    await sql(`update application set status = 'closed', outcome = 'terminated', closed_at = $2, updated_at = $2 where tracking_number = $1`, [trackingNumber, at]);
    await sql(`update incident set status = 'resolved', resolved_at = $2 where tracking_number = $1 and status = 'open'`, [trackingNumber, at]);
    await sql('select audit_chain_append($1, $2::jsonb)', [trackingNumber, JSON.stringify(chainEntries(trackingNumber, [{ seq, entry, salt }]))]);
    return true;
  });
}
