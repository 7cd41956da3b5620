/**
 * The audit log as stored: its rows in chain order, the hashes checkpoints signed, and the log held
 * against the applications' timelines. Rows are appended by the projection's statement only
 * (db/projection.ts); the database refuses updates and deletes.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { query } from './sql.js';

/** Rows read at a time by the walks over the whole log. */
export const AUDIT_BATCH = 1000;

/** The last row's number; 0 when the log is empty. */
export async function auditHead(orm: MikroORM): Promise<number> {
  const [row] = await query<{ head: string | null }>(orm, 'select max(seq) as head from audit_entry');
  return Number(row?.head ?? 0);
}

/** The hash row `seq` carries; undefined when there is no such row. */
export async function auditHashAt(orm: MikroORM, seq: number): Promise<string | undefined> {
  const [row] = await query<{ hash: string }>(orm, 'select hash from audit_entry where seq = $1', [seq]);
  return row?.hash;
}

/** The hashes these rows carry, by row number; rows not there are not in the map. */
export async function auditHashesAt(orm: MikroORM, seqs: readonly number[]): Promise<Map<number, string>> {
  const rows = await query<{ seq: string; hash: string }>(orm, 'select seq, hash from audit_entry where seq = any($1::bigint[])', [seqs]);
  return new Map(rows.map((r) => [Number(r.seq), r.hash]));
}

/** A row as stored, its instant as the driver gives it (a Date or its text). */
export interface StoredAuditRow {
  seq: number;
  trackingNumber: string;
  entrySeq: number;
  at: Date | string;
  kind: string;
  actor: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** A batch of rows from row `fromSeq` on, in chain order. */
export async function auditRowsFrom(orm: MikroORM, fromSeq: number): Promise<StoredAuditRow[]> {
  const rows = await query<{ seq: string; tracking_number: string; entry_seq: number; at: Date | string; kind: string; actor: string | null; detail: Record<string, unknown>; prev_hash: string; hash: string }>(
    orm,
    'select * from audit_entry where seq >= $1 order by seq limit $2',
    [fromSeq, AUDIT_BATCH],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    trackingNumber: r.tracking_number,
    entrySeq: r.entry_seq,
    at: r.at,
    kind: r.kind,
    actor: r.actor,
    detail: r.detail,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}

/**
 * The first pair of a timeline entry and its audit row that disagree on what happened (kind, instant,
 * actor), or an entry or a row without the other; undefined when they all agree.
 */
export async function firstTimelineDisagreement(
  orm: MikroORM,
): Promise<{ timeline: { trackingNumber: string; seq: number } | null; audit: { trackingNumber: string; entrySeq: number; seq: number } | null } | undefined> {
  const [row] = await query<{ t_tn: string | null; t_seq: number | null; a_tn: string | null; a_entry_seq: number | null; a_seq: string | null }>(
    orm,
    `select t.tracking_number as t_tn, t.seq as t_seq, a.tracking_number as a_tn, a.entry_seq as a_entry_seq, a.seq as a_seq
       from timeline_entry t full join audit_entry a on a.tracking_number = t.tracking_number and a.entry_seq = t.seq
      where a.seq is null or t.seq is null or a.kind <> t.kind or a.at <> t.at or a.actor is distinct from t.actor
      order by a.seq nulls first, t.tracking_number, t.seq
      limit 1`,
  );
  if (!row) return undefined;
  return {
    timeline: row.t_seq === null ? null : { trackingNumber: row.t_tn!, seq: row.t_seq },
    audit: row.a_seq === null ? null : { trackingNumber: row.a_tn!, entrySeq: row.a_entry_seq!, seq: Number(row.a_seq) },
  };
}

/** An audit row with the timeline entry it audits. */
export interface AuditedEntry {
  seq: number;
  trackingNumber: string;
  entrySeq: number;
  /** The detail the log holds. */
  audited: Record<string, unknown>;
  /** The timeline's. */
  detail: Record<string, unknown>;
  stepId: string | null;
  taskId: string | null;
  salt: string | null;
}

/** A batch of audit rows after row `afterSeq` with the timeline entries they audit, in chain order. */
export async function auditedEntriesAfter(orm: MikroORM, afterSeq: number): Promise<AuditedEntry[]> {
  const rows = await query<{ seq: string; tn: string; entry_seq: number; audited: Record<string, unknown>; detail: Record<string, unknown>; step_id: string | null; task_id: string | null; salt: string | null }>(
    orm,
    `select a.seq, a.tracking_number as tn, a.entry_seq, a.detail as audited, t.detail, t.step_id, t.task_id, t.salt
       from audit_entry a join timeline_entry t on t.tracking_number = a.tracking_number and t.seq = a.entry_seq
      where a.seq > $1 order by a.seq limit ${AUDIT_BATCH}`,
    [afterSeq],
  );
  return rows.map((r) => ({ seq: Number(r.seq), trackingNumber: r.tn, entrySeq: r.entry_seq, audited: r.audited, detail: r.detail, stepId: r.step_id, taskId: r.task_id, salt: r.salt }));
}
