/**
 * The audit log's hash chain as a format: what a row holds, its canonical text, its hash. Pure (no
 * database, no clock), and below both of its users: the projection activity, which hands the database's
 * audit_chain_append() each new entry's text to hash, and the walker (audit/chain.ts), which re-hashes
 * what is stored. The two must agree byte for byte, so the format has one home.
 */
import { createHash } from 'node:crypto';
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
