/**
 * Issuing one document, called directly on a real PostgreSQL and a storage folder: the same issue key
 * gives one row and one code however often it is asked, a document whose bytes were stored before a
 * crash (no row yet) comes out the very same on the retry, and the PDF prints the procedure's title and
 * the form fields it declares.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { migrate, openOrm } from '../db/orm.js';
import { issuedDocumentsOf } from '../db/issued-documents.js';
import { issueDocument, issuedCode, issuedStorageKey, type IssueRequest, type IssuingContext } from '../documents/issue.js';
import { documentKeyRing } from '../documents/key-ring.js';
import { DocumentRenderer } from '../documents/renderer.js';
import { signDocument, verifyDocument } from '../documents/signatures.js';
import { FileSystemStorage } from '../documents/storage.js';
import { parseVerificationCode } from '../documents/verification-code.js';
import { createDatabaseIfMissing, dropDatabase } from '../infra/services.js';
import { comparable, keepPdf, pdfText, readingOrder } from './helpers/pdf-reading.js';

const url = new URL(inject('databaseUrl'));
url.pathname = `/mohla_t_issue_${randomBytes(4).toString('hex')}`;
let orm: MikroORM;
let context: IssuingContext;
const root = mkdtempSync(path.join(os.tmpdir(), 'mohla-issue-'));

beforeAll(async () => {
  await createDatabaseIfMissing(url.href);
  orm = await openOrm(url.href, { pool: { min: 0, max: 2 } });
  await migrate(orm);
  context = { orm, storage: new FileSystemStorage(root), publicUrl: 'https://mohla.example.ma/', renderer: new DocumentRenderer() };
});
afterAll(async () => {
  await orm?.close(true);
  await dropDatabase(url.href);
});

function request(issueKey: string): IssueRequest {
  return {
    trackingNumber: 'RC-ISSUE-0001',
    officeId: 'annex-anfa',
    procedureId: 'residence-certificate',
    document: 'residence-certificate',
    kind: 'certificate',
    data: {
      languages: ['ar', 'fr'],
      office: { name: { ar: 'الملحقة الإدارية أنفا', fr: 'Annexe administrative Anfa' } },
      procedureTitle: { ar: 'شهادة السكنى', fr: 'Certificat de résidence' },
      title: { ar: 'شهادة السكنى', fr: 'Certificat de résidence' },
      trackingNumber: 'RC-ISSUE-0001',
      holder: { name: 'Amina El Idrissi' },
      filedOn: '2026-03-02',
      decidedOn: '2026-03-05',
      fields: [{ label: { ar: 'عنوان السكنى', fr: 'Adresse de résidence' }, value: '12 rue des Orangers, Casablanca' }],
    },
    issueKey,
    delivery: 'download',
  };
}

it('issues once per issue key: a second call finds the first document, its code and its bytes', async () => {
  const first = await issueDocument(context, request('RC-ISSUE-0001:decision:residence-certificate'));
  const again = await issueDocument(context, request('RC-ISSUE-0001:decision:residence-certificate'));
  expect(again).toEqual(first);
  expect(parseVerificationCode(first.code)).toEqual({ ok: true, code: first.code });
  expect(await issuedDocumentsOf(orm, 'RC-ISSUE-0001')).toHaveLength(1);
  const pdf = readFileSync(path.join(root, first.storageKey!));
  const ring = await documentKeyRing();
  expect(verifyDocument(pdf, { algorithm: 'Ed25519', keyId: first.keyId, sha256: first.sha256, signature: first.signature }, ring)).toEqual({ ok: true, keyId: ring.signer.keyId });
  const text = readingOrder(pdfText(keepPdf('issued-residence-certificate', pdf)));
  for (const phrase of ['Certificat de résidence', 'شهادة السكنى', 'Adresse de résidence', '12 rue des Orangers, Casablanca', 'RC-ISSUE-0001', `mohla.example.ma/verify/${first.code}`]) {
    expect(text, phrase).toContain(comparable(phrase));
  }
});

it('a document stored before a crash, without its row, is issued again as the very same bytes and code', async () => {
  const key = 'RC-ISSUE-0001:reissue:1';
  const ring = await documentKeyRing();
  // What a worker that died after storing the bytes left behind: the PDF, no row.
  const code = issuedCode(ring, key);
  const pdf = await context.renderer!.render('certificate', { ...request(key).data, verification: { code, url: `https://mohla.example.ma/verify/${code}` } });
  const left = issuedStorageKey('RC-ISSUE-0001', signDocument(pdf, ring).sha256);
  await context.storage.put(left, pdf);
  const stored = readdirSync(path.join(root, 'issued', 'RC-ISSUE-0001')).length;

  const issued = await issueDocument(context, request(key));
  expect(issued.code).toBe(code);
  expect(issued.storageKey).toBe(left);
  expect(readdirSync(path.join(root, 'issued', 'RC-ISSUE-0001'))).toHaveLength(stored);
  expect((await issuedDocumentsOf(orm, 'RC-ISSUE-0001')).map((d) => d.issueKey)).toEqual(['RC-ISSUE-0001:decision:residence-certificate', key]);
});

it('gives different decisions different codes', async () => {
  const ring = await documentKeyRing();
  expect(issuedCode(ring, 'A:decision:x')).not.toBe(issuedCode(ring, 'B:decision:x'));
});
