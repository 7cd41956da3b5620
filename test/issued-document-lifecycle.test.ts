/**
 * An issued document after issuance, on the real stack: checked by anyone with its code (and its file or
 * hash), downloaded by its citizen and its office only, printed at a kiosk, revoked by a supervisor,
 * re-issued by an agent, collected or posted, still verifiable once retention erased its file, and
 * verifiable across a rotation of the signing key.
 */
import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { firstTimelineDisagreement } from '../db/audit-log.js';
import { forgetIssuedDocumentBytes, issuedDocumentByCode, recordIssuedDocument, type IssuedDocumentDelivery } from '../db/issued-documents.js';
import { query } from '../db/sql.js';
import { documentKeyRing, verificationUrl } from '../documents/key-ring.js';
import { DocumentRenderer } from '../documents/renderer.js';
import { loadKeyRing, signDocument, verifyDocument, type DocumentKeyRing } from '../documents/signatures.js';
import { formatVerificationCode, newVerificationCode } from '../documents/verification-code.js';
import { sha256Hex } from '../documents/verification.js';
import { walkAuditChain } from '../audit/chain.js';
import { fieldError, problemAnswer } from './helpers/answers.js';
import { multipartFile } from './helpers/multipart.js';
import { apiContext, as, createTestStack, eventually, people, tokenFor, type TestStack } from './helpers/stack.js';

const form = { fullName: 'Salma Idrissi', cin: 'JB445566', address: '3 derb Sidi Bouloukat, Fès', phone: '+212611223344' };

let stack: TestStack;
let renderer: DocumentRenderer;
let ring: DocumentKeyRing;
let officeA: Awaited<ReturnType<typeof people>>;
let officeB: Awaited<ReturnType<typeof people>>;

beforeAll(async () => {
  stack = await createTestStack();
  renderer = new DocumentRenderer();
  ring = await documentKeyRing();
  officeA = await people(stack, `annex-docs-a-${stack.id}`);
  officeB = await people(stack, `annex-docs-b-${stack.id}`);
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

/** A residence certificate filed in office A and approved, once its closing is in PostgreSQL. */
async function approvedApplication() {
  const filed = await officeA.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: officeA.office, data: form } });
  expect(filed.statusCode, filed.body).toBe(201);
  const { trackingNumber, tasks, receipt } = filed.json() as { trackingNumber: string; tasks: Array<{ id: string }>; receipt: { pin: string } };
  const done = await officeA.agent({ method: 'POST', url: `/tasks/${tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
  expect(done.statusCode, done.body).toBe(200);
  await eventually(async () => ((await officeA.agent({ method: 'GET', url: `/applications/${trackingNumber}` })).json().status === 'closed' ? true : undefined));
  return { trackingNumber, pin: receipt.pin };
}

/** A document issued for the application, rendered, signed, stored and registered. */
async function issue(trackingNumber: string, options: { delivery?: IssuedDocumentDelivery; keys?: DocumentKeyRing; issueKey?: string } = {}) {
  const code = newVerificationCode();
  const pdf = await renderer.render('certificate', {
    languages: ['ar', 'fr'],
    office: { name: { ar: 'الملحقة الإدارية', fr: 'Annexe administrative' } },
    procedureTitle: { ar: 'شهادة السكنى', fr: 'Certificat de résidence' },
    trackingNumber,
    holder: { name: form.fullName },
    filedOn: '2026-12-01',
    decidedOn: '2026-12-06',
    verification: { code, url: verificationUrl('https://mohla.example.ma', code) },
  });
  const signature = signDocument(pdf, options.keys ?? ring);
  const storageKey = `issued/${trackingNumber}/${signature.sha256}.pdf`;
  await stack.storage.put(storageKey, pdf);
  const row = await recordIssuedDocument(stack.appOrm, {
    code,
    trackingNumber,
    officeId: officeA.office,
    procedureId: 'residence-certificate',
    kind: 'certificate',
    documentName: 'residence-certificate',
    issueKey: options.issueKey ?? `${trackingNumber}:test:${code}`,
    sha256: signature.sha256,
    storageKey,
    signature: signature.signature,
    keyId: signature.keyId,
    languages: ['ar', 'fr'],
    delivery: options.delivery ?? 'download',
    issuedAt: new Date(),
  });
  return { row, pdf, code, printed: formatVerificationCode(code) };
}

const anonymous = (options: Parameters<TestStack['request']>[0]) => stack.request(options);

describe('verification by code (public)', () => {
  it('answers valid and authentic, with no personal data, whatever the case and the dashes', async () => {
    const { trackingNumber } = await approvedApplication();
    const doc = await issue(trackingNumber);
    for (const typed of [doc.printed, doc.code.toLowerCase(), doc.printed.replaceAll('-', ' ')]) {
      const res = await anonymous({ method: 'GET', url: `/verify/${encodeURIComponent(typed)}` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        code: doc.printed,
        authentic: true,
        status: 'valid',
        revokedAt: null,
        supersededAt: null,
        document: { kind: 'certificate', name: 'residence-certificate' },
        procedure: { id: 'residence-certificate' },
        office: { id: officeA.office },
        sha256: doc.row.sha256,
        keyId: ring.signer.keyId,
      });
      for (const secret of Object.values(form)) expect(res.body).not.toContain(secret);
      expect(res.body).not.toContain(trackingNumber);
    }
  });

  it("sends a browser opening the QR code's address on to the verification page", async () => {
    const code = newVerificationCode();
    const url = new URL(verificationUrl('https://mohla.example.ma', code));
    expect(url.pathname).toBe(`/verify/${formatVerificationCode(code)}`);
    const res = await anonymous({ method: 'GET', url: url.pathname, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/#/verify/${formatVerificationCode(code)}`);
  });

  it('names the code when it is malformed (400) or unknown (404)', async () => {
    const malformed = await anonymous({ method: 'GET', url: '/verify/ABC' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual(problemAnswer({ status: 400, code: 'invalid_input', errors: [fieldError('params:/code')] }));
    const unknown = await anonymous({ method: 'GET', url: `/verify/${formatVerificationCode(newVerificationCode())}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual(problemAnswer({ status: 404, code: 'issued_document_not_found', errors: [fieldError('params:/code')] }));
  });
});

describe('verification of a file (public)', () => {
  it('knows the issued bytes, refuses a file with one byte changed, and accepts the hash alone', async () => {
    const { trackingNumber } = await approvedApplication();
    const doc = await issue(trackingNumber);
    const right = await anonymous({ method: 'POST', url: '/verify', ...multipartFile('certificate.pdf', doc.pdf, 'application/pdf', { code: doc.printed }) });
    expect(right.statusCode, right.body).toBe(200);
    expect(right.json()).toMatchObject({ authentic: true, status: 'valid', presented: { authentic: true, sha256: doc.row.sha256 } });

    const tampered = Buffer.from(doc.pdf);
    const at = tampered.indexOf('Annexe') >= 0 ? tampered.indexOf('Annexe') : Math.floor(tampered.length / 2);
    tampered[at] = tampered[at]! ^ 0x01;
    const wrong = await anonymous({ method: 'POST', url: '/verify', ...multipartFile('certificate.pdf', tampered, 'application/pdf', { code: doc.printed }) });
    expect(wrong.statusCode, wrong.body).toBe(200);
    expect(wrong.json().presented).toEqual({ authentic: false, sha256: sha256Hex(tampered), reason: expect.stringContaining('SHA-256 differs') });
    // The library's own check of a detached signature agrees.
    expect(verifyDocument(tampered, { algorithm: 'Ed25519', keyId: doc.row.keyId, sha256: doc.row.sha256, signature: doc.row.signature }, ring).ok).toBe(false);

    const byHash = await anonymous({ method: 'POST', url: '/verify', payload: { code: doc.code.toLowerCase(), sha256: doc.row.sha256.toUpperCase() } });
    expect(byHash.statusCode, byHash.body).toBe(200);
    expect(byHash.json().presented).toEqual({ authentic: true, sha256: doc.row.sha256 });

    const noCode = await anonymous({ method: 'POST', url: '/verify', ...multipartFile('certificate.pdf', doc.pdf, 'application/pdf') });
    expect(noCode.statusCode).toBe(400);
    expect(noCode.json()).toEqual(problemAnswer({ status: 400, errors: [fieldError('body:/code')] }));
    const badHash = await anonymous({ method: 'POST', url: '/verify', payload: { code: doc.code, sha256: 'xyz' } });
    expect(badHash.statusCode).toBe(400);
    expect(badHash.json().errors[0].pointer).toContain('sha256');
  });

  it('publishes the signing key at the well-known address, and a document verifies with it alone', async () => {
    const { trackingNumber } = await approvedApplication();
    const doc = await issue(trackingNumber);
    const res = await anonymous({ method: 'GET', url: '/.well-known/mohla-document-keys.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('public');
    const { keys } = res.json() as { keys: Array<JsonWebKey & { kid: string }> };
    const published = keys.find((k) => k.kid === doc.row.keyId);
    expect(published).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    // Someone outside Mohla: only the published key, the file and the record.
    const outsider = { signer: ring.signer, verifiers: new Map([[published!.kid, createPublicKey({ key: published!, format: 'jwk' })]]) };
    expect(verifyDocument(doc.pdf, { algorithm: 'Ed25519', keyId: doc.row.keyId, sha256: doc.row.sha256, signature: doc.row.signature }, outsider)).toEqual({ ok: true, keyId: doc.row.keyId });
  });
});

describe('downloads', () => {
  it('gives the PDF to its citizen, its office and the kiosk with the PIN; 404 to anyone else', async () => {
    const { trackingNumber, pin } = await approvedApplication();
    const doc = await issue(trackingNumber);
    const url = `/applications/${trackingNumber}/issued-documents/${doc.printed}`;
    for (const caller of [officeA.citizen, officeA.agent, officeA.supervisor]) {
      const res = await caller({ method: 'GET', url });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="residence-certificate-[A-Z0-9-]+\.pdf"/);
      expect(sha256Hex(res.rawPayload)).toBe(doc.row.sha256);
    }
    const list = await officeA.citizen({ method: 'GET', url: `/applications/${trackingNumber}/issued-documents` });
    expect(list.json().documents).toEqual([expect.objectContaining({ code: doc.printed, status: 'valid', download: url, sha256: doc.row.sha256 })]);

    const otherCitizen = as(stack, await tokenFor('citizen', 'someone-else'));
    for (const caller of [otherCitizen, officeB.agent, officeB.supervisor]) {
      const res = await caller({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain(form.fullName);
    }
    // A code of another application is not found under this one.
    const other = await approvedApplication();
    const foreign = await officeA.agent({ method: 'GET', url: `/applications/${other.trackingNumber}/issued-documents/${doc.printed}` });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toEqual(problemAnswer({ status: 404, code: 'issued_document_not_found', errors: [fieldError('params:/code')] }));

    const kiosk = await anonymous({ method: 'POST', url: `/track/issued-documents/${doc.printed}`, payload: { trackingNumber, pin } });
    expect(kiosk.statusCode, kiosk.body).toBe(200);
    expect(sha256Hex(kiosk.rawPayload)).toBe(doc.row.sha256);
    const kioskList = await anonymous({ method: 'POST', url: '/track/issued-documents', payload: { trackingNumber, pin } });
    expect(kioskList.json().documents).toEqual([expect.objectContaining({ code: doc.printed })]);
    const wrongPin = await anonymous({ method: 'POST', url: `/track/issued-documents/${doc.printed}`, payload: { trackingNumber, pin: pin === '000000' ? '000001' : '000000' } });
    expect(wrongPin.statusCode).toBe(404);
  });

  it('after retention erased the file: the code still verifies, the download says why it is gone (410)', async () => {
    const { trackingNumber } = await approvedApplication();
    const doc = await issue(trackingNumber);
    await stack.storage.remove(doc.row.storageKey!);
    await forgetIssuedDocumentBytes(stack.appOrm, trackingNumber);
    const verified = await anonymous({ method: 'GET', url: `/verify/${doc.printed}` });
    expect(verified.json()).toMatchObject({ authentic: true, status: 'valid', sha256: doc.row.sha256 });
    const byHash = await anonymous({ method: 'POST', url: '/verify', payload: { code: doc.code, sha256: doc.row.sha256 } });
    expect(byHash.json().presented.authentic).toBe(true);
    const download = await officeA.citizen({ method: 'GET', url: `/applications/${trackingNumber}/issued-documents/${doc.printed}` });
    expect(download.statusCode).toBe(410);
    expect(download.json()).toEqual(problemAnswer({ status: 410, code: 'issued_document_erased', detail: expect.stringContaining('retention') }));
  });
});

describe('revocation, delivery and the record of each', () => {
  it('a supervisor of the office revokes with a reason, once; the verification page says so', async () => {
    const { trackingNumber } = await approvedApplication();
    const doc = await issue(trackingNumber);
    const url = `/applications/${trackingNumber}/issued-documents/${doc.printed}/revoke`;
    const reason = 'Délivré sur la foi d’un justificatif de domicile falsifié';
    expect((await officeA.agent({ method: 'POST', url, payload: { reason } })).statusCode).toBe(403);
    expect((await officeB.supervisor({ method: 'POST', url, payload: { reason } })).statusCode).toBe(404);
    const blank = await officeA.supervisor({ method: 'POST', url, payload: { reason: '' } });
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toEqual(problemAnswer({ status: 400, errors: [fieldError('/reason')] }));
    const long = await officeA.supervisor({ method: 'POST', url, payload: { reason: 'x'.repeat(501) } });
    expect(long.statusCode).toBe(400);

    const revoked = await officeA.supervisor({ method: 'POST', url, payload: { reason } });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ code: doc.printed, status: 'revoked', revocationReason: reason });
    const again = await officeA.supervisor({ method: 'POST', url, payload: { reason: 'another reason' } });
    expect(again.json()).toEqual(revoked.json());

    const verified = (await anonymous({ method: 'GET', url: `/verify/${doc.printed}` })).json();
    expect(verified).toMatchObject({ authentic: true, status: 'revoked', revocationReason: reason, revokedAt: revoked.json().revokedAt });

    const timeline = (await officeA.agent({ method: 'GET', url: `/applications/${trackingNumber}/timeline` })).json().entries as Array<{ kind: string; actor: string; detail: Record<string, unknown> }>;
    const entries = timeline.filter((e) => e.kind === 'document-revoked');
    expect(entries).toEqual([expect.objectContaining({ actor: officeA.supervisorId, detail: { code: doc.code, reason } })]);
    // In the audit chain too: the same entry, the reason only as a commitment, the chain whole.
    const [audited] = await query<{ detail: Record<string, unknown> }>(stack.orm, "select detail from audit_entry where tracking_number = $1 and kind = 'document-revoked'", [trackingNumber]);
    expect(audited?.detail).toEqual({ code: doc.code, reason: { committed: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(await firstTimelineDisagreement(stack.orm)).toBeUndefined();
    const walked = await walkAuditChain(stack.orm);
    expect(walked.problem).toBeUndefined();
  });

  it('records a collection at the office, and a posting with its reference, once each', async () => {
    const { trackingNumber } = await approvedApplication();
    const collected = await issue(trackingNumber, { delivery: 'collection' });
    const posted = await issue(trackingNumber, { delivery: 'post' });
    const base = `/applications/${trackingNumber}/issued-documents`;

    const wrongWay = await officeA.agent({ method: 'POST', url: `${base}/${collected.printed}/posted`, payload: { postalReference: 'RR123456789MA' } });
    expect(wrongWay.statusCode).toBe(422);
    expect(wrongWay.json()).toEqual(problemAnswer({ status: 422, code: 'delivery_mismatch', errors: [fieldError('params:/code')] }));
    expect((await officeA.citizen({ method: 'POST', url: `${base}/${collected.printed}/collected`, payload: {} })).statusCode).toBe(403);

    const handed = await officeA.agent({ method: 'POST', url: `${base}/${collected.printed}/collected`, payload: {} });
    expect(handed.statusCode, handed.body).toBe(200);
    expect(handed.json()).toMatchObject({ delivery: 'collection', collectedAt: expect.any(String) });
    expect((await officeA.agent({ method: 'POST', url: `${base}/${collected.printed}/collected`, payload: {} })).json()).toEqual(handed.json());

    const badReference = await officeA.agent({ method: 'POST', url: `${base}/${posted.printed}/posted`, payload: { postalReference: '<b>' } });
    expect(badReference.statusCode).toBe(400);
    expect(badReference.json()).toEqual(problemAnswer({ status: 400, errors: [fieldError('/postalReference')] }));
    const sent = await officeA.agent({ method: 'POST', url: `${base}/${posted.printed}/posted`, payload: { postalReference: 'RR123456789MA' } });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ delivery: 'post', postalReference: 'RR123456789MA', postedAt: expect.any(String) });

    const kinds = ((await officeA.agent({ method: 'GET', url: `/applications/${trackingNumber}/timeline` })).json().entries as Array<{ kind: string }>).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'document-collected')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'document-posted')).toHaveLength(1);
    expect(await firstTimelineDisagreement(stack.orm)).toBeUndefined();
  });
});

describe('key rotation', () => {
  it('publishes the new key beside the retired one; documents of both verify', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-document-keys-'));
    const first = generateKeyPairSync('ed25519');
    writeFileSync(path.join(dir, 'current.pem'), first.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const before = await loadKeyRing(dir);
    const { trackingNumber } = await approvedApplication();
    const old = await issue(trackingNumber, { keys: before });

    // The rotation as documented: the old key's public half stays, a new private key signs.
    writeFileSync(path.join(dir, 'current.pem'), generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(dir, 'retired-1.pem'), first.publicKey.export({ type: 'spki', format: 'pem' }));
    const after = await loadKeyRing(dir);
    expect(after.signer.keyId).not.toBe(before.signer.keyId);
    const fresh = await issue(trackingNumber, { keys: after });
    expect(fresh.row.keyId).toBe(after.signer.keyId);

    const rotated = await buildApp(apiContext(stack, { documentKeys: after, orm: stack.appOrm }));
    stack.answers.watch(rotated);
    try {
      const { keys } = (await rotated.inject({ method: 'GET', url: '/.well-known/mohla-document-keys.json' })).json() as { keys: Array<{ kid: string }> };
      expect(keys.map((k) => k.kid).sort()).toEqual([before.signer.keyId, after.signer.keyId].sort());
      for (const doc of [old, fresh]) {
        const res = await rotated.inject({ method: 'POST', url: '/verify', ...multipartFile('d.pdf', doc.pdf, 'application/pdf', { code: doc.printed }) });
        expect(res.json(), doc.row.keyId).toMatchObject({ authentic: true, keyId: doc.row.keyId, presented: { authentic: true } });
      }
    } finally {
      await rotated.close();
    }
    // A key that is not published: the record's signature is not authentic, and says why.
    const stray = await issue(trackingNumber, { keys: before });
    const res = await anonymous({ method: 'GET', url: `/verify/${stray.printed}` });
    expect(res.json()).toMatchObject({ authentic: false, problem: expect.stringContaining('not among the published document keys') });
    expect((await issuedDocumentByCode(stack.appOrm, stray.code))?.keyId).toBe(before.signer.keyId);
  });
});
