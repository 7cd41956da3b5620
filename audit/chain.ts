import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { canonicalJson } from '../engine/canonical-json.js';
import type { TimelineEntry } from '../engine/application.js';

/** The hash that starts the chain. */
export const GENESIS = '0'.repeat(64);
/** One chain, one writer at a time: appends take this transaction-scoped advisory lock. */
const CHAIN_LOCK = 0x6d6f686c61; // "mohla"

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

/**
 * Appends an application's timeline entries to the chain, inside the caller's transaction. A retried
 * projection finds its entries already there (unique application + entry number) and appends nothing.
 */
export async function appendToAuditChain(em: EntityManager, trackingNumber: string, entries: Array<{ seq: number; entry: TimelineEntry }>): Promise<void> {
  if (!entries.length) return;
  const connection = em.getConnection();
  const tx = em.getTransactionContext();
  await connection.execute('select pg_advisory_xact_lock(?)', [CHAIN_LOCK], 'all', tx);
  const known = await connection.execute<Array<{ entry_seq: number }>>(
    `select entry_seq from audit_entry where tracking_number = ? and entry_seq in (${entries.map(() => '?').join(', ')})`,
    [trackingNumber, ...entries.map((e) => e.seq)],
    'all',
    tx,
  );
  const fresh = entries.filter((e) => !known.some((k) => Number(k.entry_seq) === e.seq));
  if (!fresh.length) return;
  const [head] = await connection.execute<Array<{ seq: string; hash: string }>>('select seq, hash from audit_entry order by seq desc limit 1', [], 'all', tx);
  let seq = head ? Number(head.seq) : 0;
  let prevHash = head?.hash ?? GENESIS;
  for (const { seq: entrySeq, entry } of fresh) {
    seq += 1;
    const row: ChainedRow = {
      seq,
      trackingNumber,
      entrySeq,
      at: new Date(entry.at).toISOString(),
      kind: entry.kind,
      actor: entry.actor ?? null,
      detail: { ...(entry.stepId ? { stepId: entry.stepId } : {}), ...(entry.taskId ? { taskId: entry.taskId } : {}), ...(entry.detail ?? {}) },
    };
    const hash = rowHash(prevHash, row);
    await connection.execute(
      'insert into audit_entry (seq, tracking_number, entry_seq, at, kind, actor, detail, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [seq, trackingNumber, entrySeq, row.at, row.kind, row.actor, JSON.stringify(row.detail), prevHash, hash],
      'run',
      tx,
    );
    prevHash = hash;
  }
}

export type ChainProblem =
  | { kind: 'altered'; seq: number; trackingNumber: string; message: string }
  | { kind: 'missing'; seq: number; message: string }
  | { kind: 'relinked'; seq: number; trackingNumber: string; message: string };

/** Walks the chain from the start; stops at the first row that is altered, missing or out of place. */
export async function verifyAuditChain(orm: MikroORM, onProgress?: (checked: number) => void): Promise<{ checked: number; problem?: ChainProblem }> {
  const connection = orm.em.fork().getConnection();
  let prevHash = GENESIS;
  let expectedSeq = 1;
  let checked = 0;
  const batch = 1000;
  for (;;) {
    const rows = await connection.execute<Array<{ seq: string; tracking_number: string; entry_seq: number; at: Date; kind: string; actor: string | null; detail: Record<string, unknown>; prev_hash: string; hash: string }>>(
      'select * from audit_entry where seq >= ? order by seq limit ?',
      [expectedSeq, batch],
    );
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectedSeq) return { checked, problem: { kind: 'missing', seq: expectedSeq, message: `row ${expectedSeq} is missing (the next row is ${seq})` } };
      if (r.prev_hash !== prevHash) {
        return { checked, problem: { kind: 'relinked', seq, trackingNumber: r.tracking_number, message: `row ${seq} (${r.tracking_number}) does not follow row ${seq - 1}: rows were removed or reordered` } };
      }
      const row: ChainedRow = { seq, trackingNumber: r.tracking_number, entrySeq: r.entry_seq, at: new Date(r.at).toISOString(), kind: r.kind, actor: r.actor, detail: r.detail };
      if (rowHash(prevHash, row) !== r.hash) {
        return { checked, problem: { kind: 'altered', seq, trackingNumber: r.tracking_number, message: `row ${seq} (${r.tracking_number}, ${r.kind}) was altered after it was written` } };
      }
      prevHash = r.hash;
      expectedSeq += 1;
      checked += 1;
    }
    onProgress?.(checked);
    if (rows.length < batch) break;
  }
  // The walk cannot see rows cut from the end; the timeline, written in the same transactions, can.
  const [{ count }] = (await connection.execute<Array<{ count: string }>>('select count(*) as count from timeline_entry')) as [{ count: string }];
  if (Number(count) > checked) {
    return { checked, problem: { kind: 'missing', seq: expectedSeq, message: `the log ends at row ${expectedSeq - 1} but ${Number(count)} events were recorded: rows from ${expectedSeq} on are missing` } };
  }
  return { checked };
}
