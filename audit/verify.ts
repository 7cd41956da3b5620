/**
 * `mohla audit verify` as a function: the hash chain, then the signed checkpoints, then the log against
 * the applications' timelines. Each catches what the others cannot: the chain an altered row, the
 * checkpoints a chain recomputed after the alteration or cut short, the timeline an event the log
 * never received (or one it holds that no application recorded).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';
import { canonicalJson } from '../engine/canonical-json.js';
import { walkAuditChain, type ChainProblem } from './chain.js';
import { timelineDetail } from './chain-format.js';
import { auditedDetail, isCommitment, PERSONAL_DETAIL_FIELDS } from './commitment.js';
import { verifyCheckpoints, type CheckpointProblem } from './checkpoint.js';
import type { CheckpointKeys } from './signing-key.js';

export type TimelineProblem =
  | { kind: 'missing'; seq: number; trackingNumber: string; message: string }
  | { kind: 'unrecorded'; seq: number; trackingNumber: string; message: string }
  | { kind: 'differs'; seq: number; trackingNumber: string; message: string };

export type AuditProblem = ChainProblem | CheckpointProblem | TimelineProblem;

export interface AuditVerification {
  checked: number;
  checkpoints: number;
  timestamped: number;
  /** Time-stamps present but not checked: AUDIT_TSA_CA_FILE is not set. */
  unverifiedTimestamps: number;
  problem?: AuditProblem;
}

/**
 * The first disagreement between the timeline and the log. Every timeline entry is audited, in the
 * same statement (activities/projection.ts), with its step and task folded into the detail and its
 * free text committed to (audit/commitment.ts).
 */
async function compareWithTimeline(orm: MikroORM, nextSeq: number): Promise<TimelineProblem | undefined> {
  const [row] = await query<{ t_tn: string | null; t_seq: number | null; a_tn: string | null; a_entry_seq: number | null; a_seq: string | null }>(
    orm,
    `select t.tracking_number as t_tn, t.seq as t_seq, a.tracking_number as a_tn, a.entry_seq as a_entry_seq, a.seq as a_seq
       from timeline_entry t full join audit_entry a on a.tracking_number = t.tracking_number and a.entry_seq = t.seq
      where a.seq is null or t.seq is null or a.kind <> t.kind or a.at <> t.at or a.actor is distinct from t.actor
      order by a.seq nulls first, t.tracking_number, t.seq
      limit 1`,
  );
  if (row?.a_seq === null) {
    return { kind: 'missing', seq: nextSeq, trackingNumber: row.t_tn!, message: `event ${row.t_seq} of ${row.t_tn} is in its timeline but not in the audit log: rows were removed` };
  }
  if (row?.t_seq === null) {
    return { kind: 'unrecorded', seq: Number(row.a_seq), trackingNumber: row.a_tn!, message: `row ${row.a_seq} audits event ${row.a_entry_seq} of ${row.a_tn}, which its timeline does not hold` };
  }
  const differs = (seq: number, tn: string, entrySeq: number): TimelineProblem => ({
    kind: 'differs',
    seq,
    trackingNumber: tn,
    message: `row ${seq} does not say what event ${entrySeq} of ${tn} says in its timeline`,
  });
  if (row) return differs(Number(row.a_seq), row.a_tn!, row.t_seq!);
  let after = 0;
  for (;;) {
    const rows = await query<{ seq: string; tn: string; entry_seq: number; audited: Record<string, unknown>; detail: Record<string, unknown>; step_id: string | null; task_id: string | null; salt: string | null }>(
      orm,
      `select a.seq, a.tracking_number as tn, a.entry_seq, a.detail as audited, t.detail, t.step_id, t.task_id, t.salt
         from audit_entry a join timeline_entry t on t.tracking_number = a.tracking_number and t.seq = a.entry_seq
        where a.seq > $1 order by a.seq limit 1000`,
      [after],
    );
    for (const r of rows) {
      const detail = timelineDetail({ stepId: r.step_id ?? undefined, taskId: r.task_id ?? undefined, detail: r.detail });
      let expected = r.salt ? auditedDetail(detail, r.salt) : detail;
      // Erased: the words and the salt are gone, the commitment stays and can no longer be opened.
      if (!r.salt) {
        const erased = Object.entries(r.audited).filter(([field, value]) => PERSONAL_DETAIL_FIELDS.includes(field as never) && isCommitment(value) && !(field in detail));
        expected = { ...expected, ...Object.fromEntries(erased) };
      }
      if (canonicalJson(expected) !== canonicalJson(r.audited)) return differs(Number(r.seq), r.tn, r.entry_seq);
      after = Number(r.seq);
    }
    if (rows.length < 1000) return undefined;
  }
}

export async function verifyAuditLog(
  orm: MikroORM,
  options: { checkpointDir: string; keys: CheckpointKeys; tsaCaFile?: string; onProgress?: (checked: number) => void },
): Promise<AuditVerification> {
  const walk = await walkAuditChain(orm, undefined, options.onProgress);
  const summary = { checked: walk.checked, checkpoints: 0, timestamped: 0, unverifiedTimestamps: 0 };
  if (walk.problem) return { ...summary, problem: walk.problem };
  const anchored = await verifyCheckpoints(orm, { dir: options.checkpointDir, keys: options.keys, tsaCaFile: options.tsaCaFile });
  const { problem: checkpointProblem, ...counts } = anchored;
  if (checkpointProblem) return { ...summary, ...counts, problem: checkpointProblem };
  const timelineProblem = await compareWithTimeline(orm, walk.head.seq + 1);
  return { ...summary, ...counts, ...(timelineProblem ? { problem: timelineProblem } : {}) };
}
