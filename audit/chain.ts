import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { canonicalJson } from '../engine/canonical-json.js';
import type { TimelineEntry } from '../engine/application.js';
import type { Sql } from '../db/sql.js';

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
export async function appendToAuditChain(sql: Sql, trackingNumber: string, entries: Array<{ seq: number; entry: TimelineEntry }>): Promise<void> {
  if (!entries.length) return;
  await sql('select pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
  // After the lock, in a statement of its own: its snapshot must see the previous holder's rows.
  const seen = await sql<{ head_seq: string | null; hash: string | null; entry_seq: number | null }>(
    `(select seq::text as head_seq, hash, null::int as entry_seq from audit_entry order by seq desc limit 1)
     union all
     select null, null, entry_seq from audit_entry where tracking_number = $1 and entry_seq = any($2::int[])`,
    [trackingNumber, entries.map((e) => e.seq)],
  );
  const known = new Set(seen.flatMap((r) => (r.entry_seq === null ? [] : [Number(r.entry_seq)])));
  const fresh = entries.filter((e) => !known.has(e.seq));
  if (!fresh.length) return;
  const head = seen.find((r) => r.head_seq !== null);
  let seq = head ? Number(head.head_seq) : 0;
  let prevHash = head?.hash ?? GENESIS;
  const rows: Array<ChainedRow & { prev_hash: string; hash: string }> = [];
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
    rows.push({ ...row, prev_hash: prevHash, hash });
    prevHash = hash;
  }
  // One statement for all of them; the rows travel as JSON, the hashes were computed above.
  await sql(
    `insert into audit_entry (seq, tracking_number, entry_seq, at, kind, actor, detail, prev_hash, hash)
     select r.seq, r."trackingNumber", r."entrySeq", r.at, r.kind, r.actor, r.detail, r.prev_hash, r.hash
       from jsonb_to_recordset($1::jsonb) as r(seq bigint, "trackingNumber" varchar, "entrySeq" int, at timestamptz, kind varchar, actor varchar, detail jsonb, prev_hash varchar, hash varchar)`,
    [JSON.stringify(rows)],
  );
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
