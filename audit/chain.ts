import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { canonicalJson } from '../engine/canonical-json.js';
import type { TimelineEntry } from '../engine/interpreter/state.js';
import { auditedDetail } from './commitment.js';

/** The hash that starts the chain. */
export const GENESIS = '0'.repeat(64);
// One chain, one writer at a time: the database's audit_chain_append() takes a transaction-scoped
// advisory lock, 0x6d6f686c61 ("mohla"), before it reads the head.

export interface ChainedRow {
  seq: number;
  trackingNumber: string;
  entrySeq: number;
  at: string;
  kind: string;
  actor: string | null;
  detail: Record<string, unknown>;
}

export function rowHash(prevHash: string, row: ChainedRow): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalJson(row)}`).digest('hex');
}

/** What the database's audit_chain_append() takes for one entry (migrations/Migration20261121101500.ts). */
export interface ChainEntry {
  entrySeq: number;
  at: string;
  kind: string;
  actor: string | null;
  detail: Record<string, unknown>;
  /** The row's canonical text before and after its position in the chain, which the database fills in. */
  textBefore: string;
  textAfter: string;
}

/** What the log records of an entry: its detail, with the step and the task it concerns. */
export function timelineDetail(entry: Pick<TimelineEntry, 'stepId' | 'taskId' | 'detail'>): Record<string, unknown> {
  return { ...(entry.stepId ? { stepId: entry.stepId } : {}), ...(entry.taskId ? { taskId: entry.taskId } : {}), ...(entry.detail ?? {}) };
}

/** Stands for the position while the canonical text is cut around it; never a real position. */
const POSITION = -1;

/**
 * An application's timeline entries as the database appends them, inside the projection's statement:
 * it takes the chain's lock, numbers and hashes each entry not there yet (a retried projection finds
 * its entries there and appends nothing). The text hashed is the one rowHash() hashes. An entry with a
 * salt is audited with its free text committed to, not written (audit/commitment.ts).
 */
export function chainEntries(trackingNumber: string, entries: Array<{ seq: number; entry: TimelineEntry; salt?: string | null }>): ChainEntry[] {
  return entries.map(({ seq: entrySeq, entry, salt }) => {
    const detail = timelineDetail(entry);
    const row: ChainedRow = {
      seq: POSITION,
      trackingNumber,
      entrySeq,
      at: new Date(entry.at).toISOString(),
      kind: entry.kind,
      actor: entry.actor ?? null,
      detail: salt ? auditedDetail(detail, salt) : detail,
    };
    const text = canonicalJson(row);
    // Keys are sorted and "trackingNumber" is the only one after "seq": the last match is the position.
    const at = text.lastIndexOf(`"seq":${POSITION}`) + '"seq":'.length;
    return {
      entrySeq,
      at: row.at,
      kind: row.kind,
      actor: row.actor,
      detail: row.detail,
      textBefore: text.slice(0, at),
      textAfter: text.slice(at + String(POSITION).length),
    };
  });
}

export type ChainProblem =
  | { kind: 'altered'; seq: number; trackingNumber: string; message: string }
  | { kind: 'missing'; seq: number; message: string }
  | { kind: 'relinked'; seq: number; trackingNumber: string; message: string };

/** Where a walk starts: the genesis, or a row already trusted (a checkpoint's). */
export interface ChainPoint {
  seq: number;
  hash: string;
}

export const CHAIN_START: ChainPoint = { seq: 0, hash: GENESIS };

/**
 * Walks the chain after `from`; stops at the first row that is altered, missing or out of place.
 * Answers the head it reached, so that a caller can go on from there.
 */
export async function walkAuditChain(
  orm: MikroORM,
  from: ChainPoint = CHAIN_START,
  onProgress?: (checked: number) => void,
): Promise<{ checked: number; head: ChainPoint; problem?: ChainProblem }> {
  const connection = orm.em.fork().getConnection();
  let prevHash = from.hash;
  let expectedSeq = from.seq + 1;
  let checked = 0;
  const batch = 1000;
  const head = () => ({ seq: expectedSeq - 1, hash: prevHash });
  for (;;) {
    const rows = await connection.execute<Array<{ seq: string; tracking_number: string; entry_seq: number; at: Date; kind: string; actor: string | null; detail: Record<string, unknown>; prev_hash: string; hash: string }>>(
      'select * from audit_entry where seq >= ? order by seq limit ?',
      [expectedSeq, batch],
    );
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectedSeq) return { checked, head: head(), problem: { kind: 'missing', seq: expectedSeq, message: `row ${expectedSeq} is missing (the next row is ${seq})` } };
      if (r.prev_hash !== prevHash) {
        return { checked, head: head(), problem: { kind: 'relinked', seq, trackingNumber: r.tracking_number, message: `row ${seq} (${r.tracking_number}) does not follow row ${seq - 1}: rows were removed or reordered` } };
      }
      const row: ChainedRow = { seq, trackingNumber: r.tracking_number, entrySeq: r.entry_seq, at: new Date(r.at).toISOString(), kind: r.kind, actor: r.actor, detail: r.detail };
      if (rowHash(prevHash, row) !== r.hash) {
        return { checked, head: head(), problem: { kind: 'altered', seq, trackingNumber: r.tracking_number, message: `row ${seq} (${r.tracking_number}, ${r.kind}) was altered after it was written` } };
      }
      prevHash = r.hash;
      expectedSeq += 1;
      checked += 1;
    }
    onProgress?.(checked);
    if (rows.length < batch) break;
  }
  return { checked, head: head() };
}
