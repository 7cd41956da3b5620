import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationAnswer } from './helpers/answers.js';
import { writeCheckpoint } from '../audit/checkpoint.js';
import { keyId, type CheckpointKeys } from '../audit/signing-key.js';
import { verifyAuditLog } from '../audit/verify.js';
import { applyRetention, DEFAULT_RETENTION_DAYS } from '../retention/erasure.js';
import { issuedDocumentsOf } from '../db/issued-documents.js';
import { as, createTestStack, eventually, people, tokenFor, type TestStack } from './helpers/stack.js';
import { multipartFile } from './helpers/multipart.js';
import { buffer } from 'node:stream/consumers';

const form = { fullName: 'Khadija Benjelloun', cin: 'FK778899', address: '7 avenue Mohammed V, Berkane' };
const reason = 'Je déménage chez ma sœur Khadija à Oujda';
const day = 86_400_000;

let stack: TestStack;
let staff: Awaited<ReturnType<typeof people>>;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'mohla-retention-'));
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keys: CheckpointKeys = { signing: { id: keyId(publicKey), privateKey }, trusted: new Map([[keyId(publicKey), publicKey]]) };
const checkpoints = { dir: path.join(scratch, 'checkpoints'), keys };

beforeAll(async () => {
  stack = await createTestStack();
  staff = await people(stack, `annex-retention-${stack.id}`);
});
afterAll(async () => {
  await stack?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const sql = <T>(text: string, params: unknown[] = []) => stack.orm.em.fork().getConnection().execute(text, params) as Promise<T[]>;
const verify = () => verifyAuditLog(stack.orm, { checkpointDir: checkpoints.dir, keys });
const retention = (now: Date, dryRun = false) => applyRetention({ orm: stack.appOrm, temporal: stack.client, namespace: 'default', storage: stack.storage }, { now, dryRun });

/** A citizen files with a document, then withdraws, giving a reason in their own words. */
async function fileAndWithdraw(): Promise<{ tn: string; storageKey: string }> {
  const filed = (await staff.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: staff.office, data: form } })).json();
  const tn = filed.trackingNumber as string;
  const upload = await staff.citizen({ method: 'POST', url: `/applications/${tn}/documents/cinCopy`, ...multipartFile('cnie.pdf', Buffer.from('%PDF-1.7\nKhadija Benjelloun CNIE\n%%EOF')) });
  expect(upload.statusCode).toBe(201);
  const withdrawn = await staff.citizen({ method: 'POST', url: `/applications/${tn}/withdraw`, payload: { reason } });
  expect(withdrawn.json()).toEqual(applicationAnswer({ status: 'closed', outcome: 'withdrawn' }));
  const [doc] = await sql<{ storage_key: string }>('select storage_key from application_document where tracking_number = ?', [tn]);
  return { tn, storageKey: doc!.storage_key };
}

describe('the audit log and personal data', () => {
  it('holds a salted commitment to what a person wrote, never the words, and checks it against the timeline', async () => {
    const { tn } = await fileAndWithdraw();
    const rows = await sql<{ kind: string; detail: Record<string, unknown> }>('select kind, detail from audit_entry where tracking_number = ?', [tn]);
    const withdrawal = rows.find((r) => r.kind === 'withdrawn');
    expect(withdrawal?.detail).toEqual({ reason: { committed: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(JSON.stringify(rows)).not.toContain('déménage');
    expect((await verify()).problem).toBeUndefined();
    // The timeline's words changed behind the log's back no longer open the commitment.
    await sql("update timeline_entry set detail = jsonb_set(detail, '{reason}', '\"Autre chose\"') where tracking_number = ? and kind = 'withdrawn'", [tn]);
    try {
      expect((await verify()).problem).toMatchObject({ kind: 'differs', trackingNumber: tn });
    } finally {
      await sql('update timeline_entry set detail = jsonb_set(detail, \'{reason}\', to_jsonb(?::text)) where tracking_number = ? and kind = \'withdrawn\'', [reason, tn]);
    }
    expect((await verify()).problem).toBeUndefined();
  });
});

describe('mohla retention', () => {
  it('keeps everything until the retention period ends; a dry run lists what would go and changes nothing', async () => {
    const { tn } = await fileAndWithdraw();
    expect((await retention(new Date())).expired.map((a) => a.trackingNumber)).not.toContain(tn);
    const later = new Date(Date.now() + (DEFAULT_RETENTION_DAYS + 1) * day);
    const dry = await retention(later, true);
    expect(dry.expired).toEqual(expect.arrayContaining([expect.objectContaining({ trackingNumber: tn, procedureId: 'residence-certificate', documents: 1 })]));
    expect(dry.erased).toEqual([]);
    const [application] = await sql<{ data: Record<string, unknown>; erased_at: Date | null }>('select data, erased_at from application where tracking_number = ?', [tn]);
    expect(application).toEqual({ data: form, erased_at: null });
    await expect(stack.client.workflow.getHandle(tn).describe()).resolves.toMatchObject({ status: { name: 'COMPLETED' } });
  });

  it('erases the form, the words, the messages, the documents and the Temporal history; the audit log still verifies', async () => {
    const { tn, storageKey } = await fileAndWithdraw();
    expect((await buffer(await stack.storage.read(storageKey))).length).toBeGreaterThan(0);
    await writeCheckpoint(stack.orm, checkpoints);
    const auditBefore = await sql('select * from audit_entry where tracking_number = ? order by seq', [tn]);

    const report = await retention(new Date(Date.now() + (DEFAULT_RETENTION_DAYS + 1) * day));
    expect(report.failed).toEqual([]);
    expect(report.erased).toContain(tn);

    const [application] = await sql<{ data: unknown; status: string; outcome: string; erased: boolean }>('select data, status, outcome, erased_at is not null as erased from application where tracking_number = ?', [tn]);
    expect(application).toEqual({ data: {}, status: 'closed', outcome: 'withdrawn', erased: true });
    const everything = JSON.stringify([
      await sql('select * from application where tracking_number = ?', [tn]),
      await sql('select * from timeline_entry where tracking_number = ?', [tn]),
      await sql('select n.*, d.* from notification n left join notification_delivery d on d.notification_key = n.key where n.tracking_number = ?', [tn]),
      await sql('select * from application_document where tracking_number = ?', [tn]),
    ]);
    for (const personal of [form.fullName, form.cin, form.address, 'déménage']) expect(everything).not.toContain(personal);
    await expect(stack.storage.read(storageKey)).rejects.toMatchObject({ code: 'ENOENT' });
    // Temporal deletes in the background (seconds, or more on a busy server): the history, then its entry in
    // the list, so nothing replays or rebuilds it.
    await eventually(() => stack.client.workflow.getHandle(tn).describe().then(() => undefined, (err: Error) => (/not found/i.test(err.message) ? true : undefined)), 60_000);
    await eventually(async () => {
      for await (const execution of stack.client.workflow.list({ query: `WorkflowId = '${tn}'` })) return execution ? undefined : true;
      return true;
    });

    const auditor = as(stack, await tokenFor('auditor', 'auditor-1', [staff.office]));
    const history = await auditor({ method: 'GET', url: `/audit/applications/${tn}/history` });
    expect(history.statusCode).toBe(404);
    expect(history.headers['content-type']).toContain('application/problem+json');
    expect((await auditor({ method: 'POST', url: `/audit/applications/${tn}/replay` })).statusCode).toBe(404);

    // The log is untouched, and still proves the withdrawal happened, when and by whom.
    expect(await sql('select * from audit_entry where tracking_number = ? order by seq', [tn])).toEqual(auditBefore);
    const result = await verify();
    expect(result.problem).toBeUndefined();
    expect(result.checkpoints).toBe(1);
    // Done once: a second run finds nothing more to erase.
    expect((await retention(new Date(Date.now() + (DEFAULT_RETENTION_DAYS + 1) * day))).expired.map((a) => a.trackingNumber)).not.toContain(tn);
  }, 120_000);
});

describe('mohla retention and issued documents', () => {
  it("deletes an issued document's PDF with the personal data, and keeps its row so its code still verifies", async () => {
    const filed = (await staff.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: staff.office, data: form } })).json();
    const tn = filed.trackingNumber as string;
    expect((await staff.agent({ method: 'POST', url: `/tasks/${filed.tasks[0].id}/complete`, payload: { outcome: 'approve' } })).statusCode).toBe(200);
    const [issued] = await eventually(async () => {
      const rows = await issuedDocumentsOf(stack.appOrm, tn);
      return rows.length ? rows : undefined;
    });
    const storageKey = issued!.storageKey!;
    await expect(stack.storage.read(storageKey).then((s) => buffer(s))).resolves.toBeInstanceOf(Buffer);
    // Once the workflow is done: retention deletes its history.
    await stack.client.workflow.getHandle(tn).result();

    const later = new Date(Date.now() + (DEFAULT_RETENTION_DAYS + 1) * day);
    const report = await retention(later);
    expect(report.erased).toContain(tn);
    await expect(stack.storage.read(storageKey)).rejects.toThrow();
    const [kept] = await issuedDocumentsOf(stack.appOrm, tn);
    expect(kept).toEqual({ ...issued, storageKey: null });
  });
});
