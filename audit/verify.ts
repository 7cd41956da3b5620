/**
 * `mohla audit verify` as a function: the hash chain, then the signed checkpoints, then the log against
 * the applications' timelines. Each catches what the others cannot: the chain an altered row, the
 * checkpoints a chain recomputed after the alteration or cut short, the timeline an event the log
 * never received (or one it holds that no application recorded).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { AUDIT_BATCH, auditedEntriesAfter, firstTimelineDisagreement } from '../db/audit-log.js';
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
  const disagreement = await firstTimelineDisagreement(orm);
  if (disagreement?.timeline && !disagreement.audit) {
    const { trackingNumber, seq } = disagreement.timeline;
    return { kind: 'missing', seq: nextSeq, trackingNumber, message: `event ${seq} of ${trackingNumber} is in its timeline but not in the audit log: rows were removed` };
  }
  if (disagreement?.audit && !disagreement.timeline) {
    const { trackingNumber, entrySeq, seq } = disagreement.audit;
    return { kind: 'unrecorded', seq, trackingNumber, message: `row ${seq} audits event ${entrySeq} of ${trackingNumber}, which its timeline does not hold` };
  }
  const differs = (seq: number, tn: string, entrySeq: number): TimelineProblem => ({
    kind: 'differs',
    seq,
    trackingNumber: tn,
    message: `row ${seq} does not say what event ${entrySeq} of ${tn} says in its timeline`,
  });
  if (disagreement?.audit && disagreement.timeline) return differs(disagreement.audit.seq, disagreement.audit.trackingNumber, disagreement.timeline.seq);
  let after = 0;
  for (;;) {
    const rows = await auditedEntriesAfter(orm, after);
    for (const r of rows) {
      const detail = timelineDetail({ stepId: r.stepId ?? undefined, taskId: r.taskId ?? undefined, detail: r.detail });
      let expected = r.salt ? auditedDetail(detail, r.salt) : detail;
      // Erased: the words and the salt are gone, the commitment stays and can no longer be opened.
      if (!r.salt) {
        const erased = Object.entries(r.audited).filter(([field, value]) => PERSONAL_DETAIL_FIELDS.includes(field as never) && isCommitment(value) && !(field in detail));
        expected = { ...expected, ...Object.fromEntries(erased) };
      }
      if (canonicalJson(expected) !== canonicalJson(r.audited)) return differs(r.seq, r.trackingNumber, r.entrySeq);
      after = r.seq;
    }
    if (rows.length < AUDIT_BATCH) return undefined;
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
