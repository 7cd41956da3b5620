/**
 * What the retention rule reads and erases in the read model (retention/erasure.ts says what is kept
 * and why).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { transaction, query } from './sql.js';

export interface ExpiredApplication {
  trackingNumber: string;
  procedureId: string;
  closedAt: Date;
  /** When its retention period ended. */
  expiredAt: Date;
  documents: number;
}

/**
 * Closed applications whose retention period (their procedure's `retentionDays`, else `defaultDays`)
 * ended by `now`, not erased yet, oldest first.
 */
export async function expiredApplications(orm: MikroORM, now: Date, defaultDays: number): Promise<ExpiredApplication[]> {
  const rows = await query<{ tracking_number: string; procedure_id: string; closed_at: Date; expired_at: Date; documents: string }>(
    orm,
    `select a.tracking_number, a.procedure_id, a.closed_at, e.expired_at,
            (select count(*) from application_document d where d.tracking_number = a.tracking_number) as documents
       from application a
       join procedure_version p on p.procedure_id = a.procedure_id and p.version = a.procedure_version
       cross join lateral (select a.closed_at + make_interval(days => coalesce((p.definition->>'retentionDays')::int, $2)) as expired_at) e
      where a.status = 'closed' and a.erased_at is null and e.expired_at <= $1
      order by a.closed_at, a.tracking_number`,
    [now, defaultDays],
  );
  return rows.map((r) => ({ trackingNumber: r.tracking_number, procedureId: r.procedure_id, closedAt: r.closed_at, expiredAt: r.expired_at, documents: Number(r.documents) }));
}

/**
 * In one transaction: clears an application's personal data from the read model (the form, the
 * motivation, the timeline's `personalFields` and salts, the messages and their addresses, the
 * documents' rows, the idempotency record) and marks it erased at `now`.
 */
export async function erasePersonalData(orm: MikroORM, trackingNumber: string, personalFields: readonly string[], now: Date): Promise<void> {
  await transaction(orm, async (sql) => {
    await sql(`update application set data = '{}'::jsonb, motivation = null, erased_at = $2 where tracking_number = $1`, [trackingNumber, now]);
    await sql('update timeline_entry set detail = detail - $2::text[], salt = null where tracking_number = $1', [trackingNumber, [...personalFields]]);
    await sql(
      `update notification_delivery d set address = null, subject = '', body = '', error = null
         from notification n where n.key = d.notification_key and n.tracking_number = $1`,
      [trackingNumber],
    );
    await sql(`update notification set recipients = '[]'::jsonb, context = '{}'::jsonb where tracking_number = $1`, [trackingNumber]);
    await sql('delete from application_document where tracking_number = $1', [trackingNumber]);
    await sql('delete from idempotent_filing where tracking_number = $1', [trackingNumber]);
  });
}
