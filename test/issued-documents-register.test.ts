/**
 * The register of issued documents on a real PostgreSQL: one issue key gives one row and one code, a
 * re-issue links both documents, and retention keeps the row without the bytes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { migrate, openOrm } from '../db/orm.js';
import {
  forgetIssuedDocumentBytes,
  issuedDocumentByCode,
  issuedDocumentByIssueKey,
  issuedDocumentsOf,
  issuedDocumentStorageKeysOf,
  recordIssuedDocument,
  type NewIssuedDocument,
} from '../db/issued-documents.js';
import { newVerificationCode } from '../documents/verification-code.js';
import { createDatabaseIfMissing, dropDatabase } from '../infra/services.js';

const url = new URL(inject('databaseUrl'));
url.pathname = `/mohla_t_register_${randomBytes(4).toString('hex')}`;
let orm: MikroORM;

beforeAll(async () => {
  await createDatabaseIfMissing(url.href);
  orm = await openOrm(url.href, { pool: { min: 0, max: 2 } });
  await migrate(orm);
});
afterAll(async () => {
  await orm?.close(true);
  await dropDatabase(url.href);
});

function issued(issueKey: string, at: string, extra: Partial<NewIssuedDocument> = {}): NewIssuedDocument {
  return {
    code: newVerificationCode(),
    trackingNumber: 'RC-TEST-0001',
    officeId: 'casa-anfa',
    procedureId: 'residence-certificate',
    kind: 'certificate',
    documentName: 'residence-certificate',
    issueKey,
    sha256: 'a'.repeat(64),
    storageKey: `issued/RC-TEST-0001/${'a'.repeat(64)}.pdf`,
    signature: 'sig',
    keyId: 'kid',
    languages: ['ar', 'fr'],
    delivery: 'download',
    issuedAt: new Date(at),
    ...extra,
  };
}

it('one issue key keeps one row and its first code, however often it is recorded', async () => {
  const first = await recordIssuedDocument(orm, issued('RC-TEST-0001:end:1', '2026-03-12T10:00:00Z'));
  const again = await recordIssuedDocument(orm, issued('RC-TEST-0001:end:1', '2026-03-12T10:05:00Z'));
  expect(again.code).toBe(first.code);
  expect(again.issuedAt.toISOString()).toBe('2026-03-12T10:00:00.000Z');
  expect((await issuedDocumentByIssueKey(orm, 'RC-TEST-0001:end:1'))?.code).toBe(first.code);
  expect(await issuedDocumentsOf(orm, 'RC-TEST-0001')).toHaveLength(1);
  expect(first).toMatchObject({ languages: ['ar', 'fr'], issuedBy: null, supersedes: null, revokedAt: null });
});

it('a re-issued copy supersedes the one it replaces, both ways', async () => {
  const [original] = await issuedDocumentsOf(orm, 'RC-TEST-0001');
  const copy = await recordIssuedDocument(orm, issued('RC-TEST-0001:reissue:1', '2026-03-13T10:00:00Z', { supersedes: original!.code, issuedBy: 'agent-1' }));
  expect(copy.supersedes).toBe(original!.code);
  expect((await issuedDocumentByCode(orm, original!.code))?.supersededBy).toBe(copy.code);
  expect((await issuedDocumentsOf(orm, 'RC-TEST-0001')).map((d) => d.code)).toEqual([original!.code, copy.code]);
});

it('a document cannot supersede one that was never issued', async () => {
  await expect(recordIssuedDocument(orm, issued('RC-TEST-0001:reissue:2', '2026-03-14T10:00:00Z', { supersedes: newVerificationCode() }))).rejects.toThrow(/foreign key/);
  expect(await issuedDocumentByIssueKey(orm, 'RC-TEST-0001:reissue:2')).toBeNull();
});

it('retention forgets the bytes and keeps the rows', async () => {
  expect(await issuedDocumentStorageKeysOf(orm, 'RC-TEST-0001')).toHaveLength(2);
  await forgetIssuedDocumentBytes(orm, 'RC-TEST-0001');
  expect(await issuedDocumentStorageKeysOf(orm, 'RC-TEST-0001')).toEqual([]);
  const rows = await issuedDocumentsOf(orm, 'RC-TEST-0001');
  expect(rows.map((d) => [d.storageKey, d.sha256])).toEqual([
    [null, 'a'.repeat(64)],
    [null, 'a'.repeat(64)],
  ]);
});
