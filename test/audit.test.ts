import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { agentFiguresAnswer, groupFiguresAnswer, statisticsAnswer } from './helpers/answers.js';
import { GENESIS, rowHash } from '../audit/chain-format.js';
import { scheduleCheckpoints, timestampFile, writeCheckpoint, type Checkpoint, type CheckpointStore } from '../audit/checkpoint.js';
import { keyId, type CheckpointKeys } from '../audit/signing-key.js';
import { verifyAuditLog } from '../audit/verify.js';
import { as, createTestStack, eventually, people, tokenFor, type TestStack } from './helpers/stack.js';
import { startTimeStampAuthority, type TimeStampAuthority } from './helpers/time-stamp-authority.js';

const form = { fullName: 'Nadia Alaoui', cin: 'FE554433', address: 'Rue de Fès, Berkane' };

let stack: TestStack;
let office: string;
let tsa: TimeStampAuthority;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'mohla-audit-'));

function newKeys(): CheckpointKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { signing: { id: keyId(publicKey), privateKey }, trusted: new Map([[keyId(publicKey), publicKey]]) };
}
const keys = newKeys();
let dirs = 0;
/** A fresh checkpoint directory, as a deployment's AUDIT_CHECKPOINT_DIR. */
const store = (extra: Partial<CheckpointStore> = {}): CheckpointStore => ({ dir: path.join(scratch, `checkpoints-${(dirs += 1)}`), keys, ...extra });
const verify = (dir = path.join(scratch, 'none'), tsaCaFile?: string) => verifyAuditLog(stack.orm, { checkpointDir: dir, keys, tsaCaFile });

/** One more application decided; later ones in an office of their own, so the statistics below keep theirs. */
async function fileAndDecide(outcome: string, officeId = `${office}-later`): Promise<void> {
  const staff = await people(stack, officeId);
  const filed = (await staff.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId, data: form } })).json();
  await staff.agent({ method: 'POST', url: `/tasks/${filed.tasks[0].id}/claim` });
  await staff.agent({ method: 'POST', url: `/tasks/${filed.tasks[0].id}/complete`, payload: { outcome } });
  // The decision's document (certificate or refusal letter) follows the decision: its entry ends the application's chain.
  await eventually(async () => {
    const rows = await stack.orm.em.fork().getConnection().execute("select 1 from audit_entry where tracking_number = ? and kind = 'document-issued'", [filed.trackingNumber]);
    return rows.length ? true : undefined;
  });
}

beforeAll(async () => {
  stack = await createTestStack();
  office = `annex-audit-${stack.id}`;
  for (const outcome of ['approve', 'reject']) await fileAndDecide(outcome, office);
  tsa = await startTimeStampAuthority();
});
afterAll(async () => {
  await tsa?.close();
  await stack?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const sql = (text: string, params: unknown[] = []) => stack.orm.em.fork().getConnection().execute(text, params);

/** Tampers with the log the way someone with database access could, then puts it back. */
async function tampered(change: string, restore: string, check: () => Promise<void>): Promise<void> {
  await sql('alter table audit_entry disable trigger audit_entry_append_only');
  try {
    await sql(change);
    await check();
  } finally {
    await sql(restore);
    await sql('alter table audit_entry enable trigger audit_entry_append_only');
  }
}

/**
 * What a superuser can do to the log and the timelines, then undo: `attack` runs with the append-only
 * trigger off, and both tables come back as they were.
 */
async function asInsider(attack: () => Promise<void>, check: () => Promise<void>): Promise<void> {
  await sql('create table audit_backup as select * from audit_entry; create table timeline_backup as select * from timeline_entry');
  try {
    await sql('alter table audit_entry disable trigger audit_entry_append_only');
    await attack();
    await check();
  } finally {
    await sql('delete from audit_entry; insert into audit_entry select * from audit_backup; drop table audit_backup');
    await sql('delete from timeline_entry; insert into timeline_entry select * from timeline_backup; drop table timeline_backup');
    await sql('alter table audit_entry enable trigger audit_entry_append_only');
  }
}

/** Recomputes every row's hash from the start, as someone hiding an alteration would. */
async function rechain(): Promise<void> {
  const rows = (await sql('select * from audit_entry order by seq')) as Array<{ seq: string; tracking_number: string; entry_seq: number; at: Date; kind: string; actor: string | null; detail: Record<string, unknown> }>;
  let prev = GENESIS;
  for (const r of rows) {
    const hash = rowHash(prev, { seq: Number(r.seq), trackingNumber: r.tracking_number, entrySeq: r.entry_seq, at: new Date(r.at).toISOString(), kind: r.kind, actor: r.actor, detail: r.detail });
    await sql('update audit_entry set prev_hash = ?, hash = ? where seq = ?', [prev, hash, r.seq]);
    prev = hash;
  }
}

describe('the audit log', () => {
  it('chains every human action and deadline event, and verifies intact', async () => {
    const result = await verify();
    expect(result.problem).toBeUndefined();
    expect(result.checked).toBeGreaterThanOrEqual(10);
    const kinds = (await sql('select kind, actor from audit_entry order by seq')) as Array<{ kind: string; actor: string | null }>;
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['filed', 'taskClaimed', 'taskCompleted', 'closed']));
  });

  it('refuses updates, deletes and TRUNCATE at the database', async () => {
    await expect(sql("update audit_entry set actor = 'mallory' where seq = 1")).rejects.toThrow(/append-only/);
    await expect(sql('delete from audit_entry where seq = 1')).rejects.toThrow(/append-only/);
    await expect(sql('truncate audit_entry')).rejects.toThrow(/append-only: TRUNCATE is refused/);
    expect((await verify()).problem).toBeUndefined();
  });

  it("is out of reach of Mohla's own role: no update, delete, truncate, trigger switched off or hash recomputed", async () => {
    const asMohla = (text: string) => stack.appOrm.em.fork().getConnection().execute(text);
    const [me] = (await asMohla('select current_user as role, r.rolsuper as superuser from pg_roles r where r.rolname = current_user')) as [{ role: string; superuser: boolean }];
    expect(me).toEqual({ role: 'mohla_test_app', superuser: false });
    await expect(asMohla("update audit_entry set actor = 'mallory' where seq = 1")).rejects.toThrow(/permission denied/);
    await expect(asMohla('delete from audit_entry where seq = 1')).rejects.toThrow(/permission denied/);
    await expect(asMohla('truncate audit_entry')).rejects.toThrow(/permission denied/);
    await expect(asMohla('alter table audit_entry disable trigger audit_entry_append_only')).rejects.toThrow(/must be owner/);
    await expect(asMohla('drop trigger audit_entry_append_only on audit_entry')).rejects.toThrow(/must be owner/);
    await expect(asMohla('create or replace function audit_entry_append_only() returns trigger language plpgsql as $$ begin return old; end $$')).rejects.toThrow(/permission denied|must be owner/);
    await expect(asMohla("delete from mikro_orm_migrations where name like 'Migration2026%'")).rejects.toThrow(/permission denied/);
    expect((await verify()).problem).toBeUndefined();
  });

  it('names an altered row', async () => {
    const [row] = (await sql('select actor from audit_entry where seq = 3')) as Array<{ actor: string | null }>;
    await tampered(
      "update audit_entry set actor = 'mallory' where seq = 3",
      `update audit_entry set actor = ${row?.actor === null ? 'null' : `'${row?.actor}'`} where seq = 3`,
      async () => expect((await verify()).problem).toMatchObject({ kind: 'altered', seq: 3 }),
    );
    expect((await verify()).problem).toBeUndefined();
  });

  it('names a deleted row, and rows cut from the end', async () => {
    await asInsider(
      async () => void (await sql('delete from audit_entry where seq = 2')),
      async () => expect((await verify()).problem).toMatchObject({ kind: 'missing', seq: 2 }),
    );
    const [{ last }] = (await sql('select max(seq) as last from audit_entry')) as [{ last: string }];
    await asInsider(
      async () => void (await sql(`delete from audit_entry where seq = ${last}`)),
      async () => expect((await verify()).problem).toMatchObject({ kind: 'missing', seq: Number(last) }),
    );
  });

  it('names reordered rows', async () => {
    const swap = 'update audit_entry set seq = -4 where seq = 4; update audit_entry set seq = 4 where seq = 5; update audit_entry set seq = 5 where seq = -4';
    await tampered(
      swap,
      swap,
      async () => expect((await verify()).problem).toMatchObject({ seq: 4 }),
    );
    expect((await verify()).problem).toBeUndefined();
  });
});

describe('the audit log against the timelines', () => {
  it('names a row rewritten and rechained when the timeline still says otherwise', async () => {
    await asInsider(
      async () => {
        await sql("update audit_entry set actor = 'mallory' where seq = 3");
        await rechain();
      },
      async () => expect((await verify()).problem).toMatchObject({ kind: 'differs', seq: 3 }),
    );
  });

  it('names an audited event that no timeline holds', async () => {
    const [{ tn, entry }] = (await sql('select tracking_number as tn, seq as entry from timeline_entry order by tracking_number, seq limit 1')) as [{ tn: string; entry: number }];
    await asInsider(
      async () => void (await sql('delete from timeline_entry where tracking_number = ? and seq = ?', [tn, entry])),
      async () => expect((await verify()).problem).toMatchObject({ kind: 'unrecorded', trackingNumber: tn }),
    );
  });
});

describe('signed checkpoints of the audit log', () => {
  it('detects the rechain attack: a row altered in the log and its timeline, every hash after it recomputed', async () => {
    const checkpoints = store();
    const signed = await writeCheckpoint(stack.orm, checkpoints);
    expect(signed).toMatchObject({ written: true, checkpoint: { keyId: keys.signing.id } });
    expect((await verify(checkpoints.dir)).problem).toBeUndefined();
    await asInsider(
      async () => {
        await sql("update audit_entry set actor = 'mallory' where seq = 3");
        await sql("update timeline_entry t set actor = 'mallory' from audit_entry a where a.seq = 3 and t.tracking_number = a.tracking_number and t.seq = a.entry_seq");
        await rechain();
      },
      async () => {
        // The chain and the timelines agree with each other again: only the signed head gives it away.
        expect((await verify()).problem).toBeUndefined();
        const result = await verify(checkpoints.dir);
        expect(result.problem).toMatchObject({ kind: 'rewritten', seq: signed!.checkpoint.seq });
        expect(result.problem?.message).toMatch(/rewritten/);
        // Nor can the next checkpoint launder it.
        await expect(writeCheckpoint(stack.orm, checkpoints)).rejects.toThrow(/was rewritten/);
      },
    );
    expect((await verify(checkpoints.dir)).problem).toBeUndefined();
  });

  it('detects the newest rows deleted, with their timeline entries, against the last checkpoint', async () => {
    const checkpoints = store();
    await writeCheckpoint(stack.orm, checkpoints);
    await fileAndDecide('approve');
    const last = await writeCheckpoint(stack.orm, checkpoints);
    expect(last?.written).toBe(true);
    expect(readdirSync(checkpoints.dir)).toHaveLength(2);
    const [{ tn }] = (await sql('select tracking_number as tn from audit_entry order by seq desc limit 1')) as [{ tn: string }];
    await asInsider(
      async () => {
        await sql('delete from audit_entry where tracking_number = ?', [tn]);
        await sql('delete from timeline_entry where tracking_number = ?', [tn]);
      },
      async () => {
        expect((await verify()).problem).toBeUndefined();
        expect((await verify(checkpoints.dir)).problem).toMatchObject({ kind: 'truncated', seq: last!.checkpoint.seq });
      },
    );
  });

  it('is signed every AUDIT_CHECKPOINT_MINUTES while the worker runs', async () => {
    const checkpoints = store();
    const lines: string[] = [];
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let stop: () => Promise<void>;
    try {
      stop = scheduleCheckpoints(stack.orm, checkpoints, 15, (line) => lines.push(line));
      vi.advanceTimersByTime(14 * 60_000);
      expect(lines).toEqual([]);
      vi.advanceTimersByTime(60_000);
    } finally {
      vi.useRealTimers();
    }
    await stop();
    expect(readdirSync(checkpoints.dir)).toHaveLength(1);
    expect(lines).toEqual([expect.stringMatching(/^audit checkpoint at row \d+: /)]);
  });

  it('writes a checkpoint only when the log has grown, and never rewrites one', async () => {
    const checkpoints = store();
    const first = await writeCheckpoint(stack.orm, checkpoints);
    const again = await writeCheckpoint(stack.orm, checkpoints);
    expect(again).toMatchObject({ written: false, file: first!.file });
    expect(readdirSync(checkpoints.dir)).toHaveLength(1);
  });

  it('refuses a checkpoint whose signature does not hold, or signed by a key it does not trust', async () => {
    const checkpoints = store();
    const { file, checkpoint } = (await writeCheckpoint(stack.orm, checkpoints))!;
    const forged: Checkpoint = { ...checkpoint, hash: 'f'.repeat(64) };
    writeFileSync(file, JSON.stringify(forged));
    expect((await verify(checkpoints.dir)).problem).toMatchObject({ kind: 'unsigned' });
    const stranger = newKeys();
    const other = store({ keys: stranger });
    await writeCheckpoint(stack.orm, other);
    expect((await verify(other.dir)).problem).toMatchObject({ kind: 'unsigned', message: expect.stringContaining(stranger.signing.id) });
  });

  it('time-stamps each checkpoint at an RFC 3161 authority, and verifies the token over the file', async () => {
    const checkpoints = store({ tsaUrl: tsa.url });
    const { file } = (await writeCheckpoint(stack.orm, checkpoints))!;
    expect(tsa.requests).toBe(1);
    const result = await verify(checkpoints.dir, tsa.caFile);
    expect(result).toMatchObject({ checkpoints: 1, timestamped: 1, unverifiedTimestamps: 0 });
    expect(result.problem).toBeUndefined();
    // A token for other bytes (here: an earlier checkpoint's) does not pass for this one.
    await fileAndDecide('reject');
    const next = (await writeCheckpoint(stack.orm, checkpoints))!;
    copyFileSync(timestampFile(file), timestampFile(next.file));
    expect((await verify(checkpoints.dir, tsa.caFile)).problem).toMatchObject({ kind: 'timestamp', file: next.file });
    expect(readFileSync(next.file, 'utf8')).toContain(`"seq": ${next.checkpoint.seq}`);
  });

  it('asks the time-stamp authority again for a checkpoint it could not time-stamp when it was written', async () => {
    const checkpoints = store({ tsaUrl: 'http://127.0.0.1:9/' });
    await expect(writeCheckpoint(stack.orm, checkpoints)).rejects.toThrow();
    const [written] = readdirSync(checkpoints.dir);
    expect(written).toMatch(/\.json$/);
    const again = await writeCheckpoint(stack.orm, { ...checkpoints, tsaUrl: tsa.url });
    expect(again?.written).toBe(false);
    expect(readdirSync(checkpoints.dir).sort()).toEqual([written, written!.replace(/\.json$/, '.tsr')]);
    expect(await verify(checkpoints.dir, tsa.caFile)).toMatchObject({ timestamped: 1, unverifiedTimestamps: 0 });
  });
});

describe('statistics through the API', () => {
  it('are scoped to the caller’s offices, exported as CSV, and published as open data without personal data', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const auditor = as(stack, await tokenFor('auditor', 'auditor-1', [office]));
    const stats = (await auditor({ method: 'GET', url: `/statistics?from=${today}&to=${today}` })).json();
    expect(stats).toEqual(
      statisticsAnswer({
        total: groupFiguresAnswer({ filed: 2, decided: 2, pending: 0, decidedWithinDeadline: 2, shareWithinDeadline: 1 }),
        byAgent: [agentFiguresAnswer({ agent: `agent-${office}`, tasksCompleted: 2 })],
      }),
    );
    const stranger = as(stack, await tokenFor('auditor', 'auditor-2', ['elsewhere']));
    expect((await stranger({ method: 'GET', url: `/statistics?from=${today}&to=${today}` })).json().total.filed).toBe(0);
    expect((await stranger({ method: 'GET', url: `/statistics?from=${today}&to=${today}&officeId=${office}` })).statusCode).toBe(403);
    const csv = await auditor({ method: 'GET', url: `/statistics.csv?from=${today}&to=${today}` });
    expect(csv.headers['content-type']).toContain('text/csv');
    const open = await stack.app.inject({ method: 'GET', url: `/open-data/statistics.csv?from=${today}&to=${today}` });
    expect(open.statusCode).toBe(200);
    expect(open.body).toContain(`,${office},2,2,0,`);
    expect(open.body).not.toMatch(/agent-|citizen-|[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/);
  });
});
