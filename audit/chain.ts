/**
 * Walks the audit log's hash chain as stored, re-hashing each row (audit/chain-format.ts says how):
 * `mohla audit verify` and the checkpoints' signing start here.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { GENESIS, rowHash, type ChainedRow } from './chain-format.js';
import { AUDIT_BATCH, auditRowsFrom } from '../db/audit-log.js';

export type ChainProblem =
  | { kind: 'altered'; seq: number; trackingNumber: string; message: string }
  | { kind: 'missing'; seq: number; message: string }
  | { kind: 'relinked'; seq: number; trackingNumber: string; message: string };

/** Where a walk starts: the genesis, or a row already trusted (a checkpoint's). */
export interface ChainPoint {
  seq: number;
  hash: string;
}

const CHAIN_START: ChainPoint = { seq: 0, hash: GENESIS };

/**
 * Walks the chain after `from`; stops at the first row that is altered, missing or out of place.
 * Answers the head it reached, so that a caller can go on from there.
 */
export async function walkAuditChain(
  orm: MikroORM,
  from: ChainPoint = CHAIN_START,
  onProgress?: (checked: number) => void,
): Promise<{ checked: number; head: ChainPoint; problem?: ChainProblem }> {
  let prevHash = from.hash;
  let expectedSeq = from.seq + 1;
  let checked = 0;
  const head = () => ({ seq: expectedSeq - 1, hash: prevHash });
  for (;;) {
    const rows = await auditRowsFrom(orm, expectedSeq);
    for (const r of rows) {
      const { seq } = r;
      if (seq !== expectedSeq) return { checked, head: head(), problem: { kind: 'missing', seq: expectedSeq, message: `row ${expectedSeq} is missing (the next row is ${seq})` } };
      if (r.prevHash !== prevHash) {
        return { checked, head: head(), problem: { kind: 'relinked', seq, trackingNumber: r.trackingNumber, message: `row ${seq} (${r.trackingNumber}) does not follow row ${seq - 1}: rows were removed or reordered` } };
      }
      const row: ChainedRow = { seq, trackingNumber: r.trackingNumber, entrySeq: r.entrySeq, at: new Date(r.at).toISOString(), kind: r.kind, actor: r.actor, detail: r.detail };
      if (rowHash(prevHash, row) !== r.hash) {
        return { checked, head: head(), problem: { kind: 'altered', seq, trackingNumber: r.trackingNumber, message: `row ${seq} (${r.trackingNumber}, ${r.kind}) was altered after it was written` } };
      }
      prevHash = r.hash;
      expectedSeq += 1;
      checked += 1;
    }
    onProgress?.(checked);
    if (rows.length < AUDIT_BATCH) break;
  }
  return { checked, head: head() };
}
