/**
 * The retention rule: a closed application's personal data is kept for its procedure's `retentionDays`
 * after closing (five years when the definition says nothing), then erased everywhere Mohla holds it:
 * the form and the free text of the read model, the messages sent, the documents' bytes, and its
 * Temporal history. What stays is what proves the procedure was followed: the application's status,
 * dates and outcome, each event's kind, time and actor, and the audit log unchanged, whose rows hold
 * only commitments to the erased words (audit/commitment.ts).
 */
import type { Client } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { PERSONAL_DETAIL_FIELDS } from '../audit/commitment.js';
import { query, withSql } from '../db/sql.js';
import type { DocumentStorage } from '../documents/storage.js';
import { historyGone } from '../infra/temporal-errors.js';
import { loggableMessage } from '../infra/log-redaction.js';

export const DEFAULT_RETENTION_DAYS = 1826;

export interface ExpiredApplication {
  trackingNumber: string;
  procedureId: string;
  closedAt: Date;
  /** When its retention period ended. */
  expiredAt: Date;
  documents: number;
}

/** Closed applications whose retention period ended by `now`, not erased yet, oldest first. */
async function expiredApplications(orm: MikroORM, now: Date): Promise<ExpiredApplication[]> {
  const rows = await query<{ tracking_number: string; procedure_id: string; closed_at: Date; expired_at: Date; documents: string }>(
    orm,
    `select a.tracking_number, a.procedure_id, a.closed_at, e.expired_at,
            (select count(*) from application_document d where d.tracking_number = a.tracking_number) as documents
       from application a
       join procedure_version p on p.procedure_id = a.procedure_id and p.version = a.procedure_version
       cross join lateral (select a.closed_at + make_interval(days => coalesce((p.definition->>'retentionDays')::int, $2)) as expired_at) e
      where a.status = 'closed' and a.erased_at is null and e.expired_at <= $1
      order by a.closed_at, a.tracking_number`,
    [now, DEFAULT_RETENTION_DAYS],
  );
  return rows.map((r) => ({ trackingNumber: r.tracking_number, procedureId: r.procedure_id, closedAt: r.closed_at, expiredAt: r.expired_at, documents: Number(r.documents) }));
}


/**
 * Erases one application. Each step can be repeated: Temporal's history and the documents' files go
 * first, then one transaction clears the read model and marks the application erased. A run stopped
 * half-way finds the application again the next time and finishes it.
 */
async function eraseApplication(
  deps: { orm: MikroORM; temporal: Client; namespace: string; storage: DocumentStorage },
  trackingNumber: string,
  now: Date,
): Promise<void> {
  try {
    await deps.temporal.workflowService.deleteWorkflowExecution({ namespace: deps.namespace, workflowExecution: { workflowId: trackingNumber } });
  } catch (err) {
    if (!historyGone(err)) throw err;
  }
  const documents = await query<{ storage_key: string }>(deps.orm, 'select storage_key from application_document where tracking_number = $1', [trackingNumber]);
  for (const { storage_key } of documents) await deps.storage.remove(storage_key);
  await withSql(deps.orm, async (sql) => {
    await sql('begin');
    try {
      await sql(`update application set data = '{}'::jsonb, motivation = null, erased_at = $2 where tracking_number = $1`, [trackingNumber, now]);
      await sql('update timeline_entry set detail = detail - $2::text[], salt = null where tracking_number = $1', [trackingNumber, [...PERSONAL_DETAIL_FIELDS]]);
      await sql(
        `update notification_delivery d set address = null, subject = '', body = '', error = null
           from notification n where n.key = d.notification_key and n.tracking_number = $1`,
        [trackingNumber],
      );
      await sql(`update notification set recipients = '[]'::jsonb, context = '{}'::jsonb where tracking_number = $1`, [trackingNumber]);
      await sql('delete from application_document where tracking_number = $1', [trackingNumber]);
      await sql('delete from idempotent_filing where tracking_number = $1', [trackingNumber]);
      await sql('commit');
    } catch (err) {
      await sql('rollback');
      throw err;
    }
  });
}

export interface RetentionReport {
  expired: ExpiredApplication[];
  erased: string[];
  failed: Array<{ trackingNumber: string; message: string }>;
}

/** `mohla retention`: erases every application past its period; with `dryRun`, only lists them. */
export async function applyRetention(
  deps: { orm: MikroORM; temporal: Client; namespace: string; storage: DocumentStorage },
  options: { now?: Date; dryRun?: boolean } = {},
): Promise<RetentionReport> {
  const now = options.now ?? new Date();
  const expired = await expiredApplications(deps.orm, now);
  const report: RetentionReport = { expired, erased: [], failed: [] };
  if (options.dryRun) return report;
  for (const application of expired) {
    try {
      await eraseApplication(deps, application.trackingNumber, now);
      report.erased.push(application.trackingNumber);
    } catch (err) {
      // The next run takes it up again; quoted values (a statement's, a row's) are masked like every log line.
      report.failed.push({ trackingNumber: application.trackingNumber, message: loggableMessage((err as Error).message) });
    }
  }
  return report;
}
