/**
 * An issued document after issuance, on the real stack: checked by anyone with its code (and its file or
 * hash), downloaded by its citizen and its office only, printed at a kiosk, revoked by a supervisor,
 * re-issued by an agent, collected or posted, still verifiable once retention erased its file, and
 * verifiable across a rotation of the signing key. Documents are issued by the workflow when the
 * application is decided (documents/issue.ts); the key-rotation test signs its own.
 */
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { firstTimelineDisagreement } from '../db/audit-log.js';
import { forgetIssuedDocumentBytes, issuedDocumentByCode, type IssuedDocumentDelivery } from '../db/issued-documents.js';
import { issueDocument, type IssuingContext } from '../documents/issue.js';
import { padesSigner } from '../documents/pades.js';
import { loadConfig } from '../infra/config.js';
import { comparable, keepPdf, pdfText } from './helpers/pdf-reading.js';
import { query } from '../db/sql.js';
import { documentKeyRing, verificationUrl } from '../documents/key-ring.js';
import { DocumentRenderer } from '../documents/renderer.js';
import { loadKeyRing, verifyDocument, type DocumentKeyRing } from '../documents/signatures.js';
import { formatVerificationCode, newVerificationCode, type VerificationCode } from '../documents/verification-code.js';
import { sha256Hex } from '../documents/verification.js';
import { walkAuditChain } from '../audit/chain.js';
import { fieldError, problemAnswer } from './helpers/answers.js';
import { multipartFile } from './helpers/multipart.js';
import { apiContext, as, bearer, createTestStack, eventually, people, tokenFor, type TestStack } from './helpers/stack.js';
import { testProcedure, text } from './helpers/definitions.js';

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

/** A procedure of one review whose approval issues a document delivered `delivery`. */
function deliveredBy(delivery: IssuedDocumentDelivery) {
  return testProcedure(`docs-by-${delivery}`, {
    form: { type: 'object', required: ['fullName'], properties: { fullName: { type: 'string' }, phone: { type: 'string' } } },
    issuedDocuments: { permit: { template: 'certificate', title: text('Permit'), delivery, holder: { var: 'data.fullName' } } },
    steps: { granted: { type: 'end', outcome: 'approved', document: 'permit' } },
  });
}

/**
 * An application filed in office A and approved, once the workflow has issued its document and recorded
 * it: a residence certificate, or a test procedure's permit delivered by collection or post.
 */
async function approvedApplication(procedureId = 'residence-certificate', data: Record<string, unknown> = form) {
  const filed = await officeA.citizen({ method: 'POST', url: '/applications', payload: { procedureId, officeId: officeA.office, data } });
  expect(filed.statusCode, filed.body).toBe(201);
  const { trackingNumber, tasks, receipt } = filed.json() as { trackingNumber: string; tasks: Array<{ id: string }>; receipt: { pin: string } };
  const done = await officeA.agent({ method: 'POST', url: `/tasks/${tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
  expect(done.statusCode, done.body).toBe(200);
  const issued = await eventually(async () => {
    const entries = (await officeA.agent({ method: 'GET', url: `/applications/${trackingNumber}/timeline` })).json().entries as Array<{ kind: string; detail: { code?: string } }>;
    const code = entries.find((e) => e.kind === 'document-issued')?.detail.code;
    return code ? await issuedDocumentByCode(stack.appOrm, code) : undefined;
  }, 60_000);
  const pdf = await streamed(await stack.storage.read(issued!.storageKey!));
  return { trackingNumber, pin: receipt.pin, row: issued!, pdf, code: issued!.code as VerificationCode, printed: formatVerificationCode(issued!.code as VerificationCode) };
}

async function streamed(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** A document issued by the issuing function with the given keys, as a worker holding them would (the rotation test). */
async function issue(trackingNumber: string, keys: DocumentKeyRing, issueKey: string, context: Partial<IssuingContext> = {}) {
  const row = await issueDocument(
    { orm: stack.appOrm, storage: stack.storage, publicUrl: 'https://mohla.example.ma', ring: keys, renderer, ...context },
    {
      trackingNumber,
      officeId: officeA.office,
      procedureId: 'residence-certificate',
      document: 'residence-certificate',
      kind: 'certificate',
      data: {
        languages: ['ar', 'fr'],
        office: { name: { ar: 'الملحقة الإدارية', fr: 'Annexe administrative' } },
        procedureTitle: { ar: 'شهادة السكنى', fr: 'Certificat de résidence' },
        trackingNumber,
        holder: { name: form.fullName },
        filedOn: '2026-12-01',
        decidedOn: '2026-12-06',
      },
      issueKey,
      delivery: 'download',
    },
  );
  const pdf = await streamed(await stack.storage.read(row.storageKey!));
  return { row, pdf, code: row.code, printed: formatVerificationCode(row.code as VerificationCode) };
}

const anonymous = (options: Parameters<TestStack['request']>[0]) => stack.request(options);

describe('verification by code (public)', () => {
  it('answers valid and authentic, with no personal data, whatever the case and the dashes', async () => {
    const doc = await approvedApplication();
    const { trackingNumber } = doc;
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
    expect(url.pathname).toBe(`/verify/${code}`);
    const res = await anonymous({ method: 'GET', url: url.pathname, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/#/verify/${code}`);
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
    const doc = await approvedApplication();
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
    const doc = await approvedApplication();
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
    const doc = await approvedApplication();
    const { trackingNumber, pin } = doc;
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
    const doc = await approvedApplication();
    const { trackingNumber } = doc;
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
    const doc = await approvedApplication();
    const { trackingNumber } = doc;
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

  it('an agent re-issues a lost copy: a new code supersedes the old one, once under an Idempotency-Key', async () => {
    const doc = await approvedApplication();
    const url = `/applications/${doc.trackingNumber}/issued-documents/${doc.printed}/reissue`;
    const ask = { payload: { reason: 'Copie perdue par le demandeur' }, headers: { 'idempotency-key': `reissue-${doc.code}` } };
    expect((await officeA.citizen({ method: 'POST', url, ...ask })).statusCode).toBe(403);
    expect((await officeB.agent({ method: 'POST', url, ...ask })).statusCode).toBe(404);

    const made = await officeA.agent({ method: 'POST', url, ...ask });
    expect(made.statusCode, made.body).toBe(201);
    const copy = made.json() as { code: string; supersedes: string; status: string; download: string; sha256: string };
    expect(copy).toMatchObject({ supersedes: doc.printed, status: 'valid', documentName: 'residence-certificate' });
    expect(copy.code).not.toBe(doc.printed);
    expect(made.headers.location).toBe(copy.download);
    const again = await officeA.agent({ method: 'POST', url, ...ask });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(copy);
    const another = await officeA.supervisor({ method: 'POST', url, payload: { reason: 'encore' }, headers: { 'idempotency-key': 'another-request-1' } });
    expect(another.statusCode).toBe(409);
    expect(another.json()).toEqual(problemAnswer({ status: 409, code: 'issued_document_not_current', detail: expect.stringContaining(copy.code) }));

    // The old code says superseded, without leading to the new one; the new one is valid and its file authentic.
    const old = await anonymous({ method: 'GET', url: `/verify/${doc.printed}` });
    expect(old.json()).toMatchObject({ authentic: true, status: 'superseded', supersededAt: expect.any(String) });
    expect(old.body).not.toContain(copy.code);
    expect(old.body).not.toContain(copy.code.replaceAll('-', ''));
    const pdf = (await officeA.citizen({ method: 'GET', url: copy.download })).rawPayload;
    expect(sha256Hex(pdf)).toBe(copy.sha256);
    const checked = await anonymous({ method: 'POST', url: '/verify', ...multipartFile('copy.pdf', pdf, 'application/pdf', { code: copy.code }) });
    expect(checked.json()).toMatchObject({ authentic: true, status: 'valid', presented: { authentic: true } });
    // The old file is still the old code's document, but not the new code's.
    const crossed = await anonymous({ method: 'POST', url: '/verify', payload: { code: copy.code, sha256: doc.row.sha256 } });
    expect(crossed.json().presented.authentic).toBe(false);

    const copyRow = (await issuedDocumentByCode(stack.appOrm, copy.code.replaceAll('-', '')))!;
    expect(copyRow).toMatchObject({ supersedes: doc.code, issuedBy: officeA.agentId, issueKey: `${doc.code}:reissue:2` });
    const entries = ((await officeA.agent({ method: 'GET', url: `/applications/${doc.trackingNumber}/timeline` })).json().entries as Array<{ kind: string; actor: string; detail: Record<string, unknown> }>).filter(
      (e) => e.kind === 'document-reissued',
    );
    expect(entries).toEqual([expect.objectContaining({ actor: officeA.agentId, detail: expect.objectContaining({ code: doc.code, newCode: copyRow.code, reason: 'Copie perdue par le demandeur' }) })]);
    expect(await firstTimelineDisagreement(stack.orm)).toBeUndefined();

    // A replaced copy may still be revoked; a revoked one is never printed again.
    const revoked = await officeA.supervisor({ method: 'POST', url: `/applications/${doc.trackingNumber}/issued-documents/${copy.code}/revoke`, payload: { reason: 'Obtenu par fraude' } });
    expect(revoked.json()).toMatchObject({ status: 'revoked' });
    const refused = await officeA.agent({ method: 'POST', url: `/applications/${doc.trackingNumber}/issued-documents/${copy.code}/reissue`, payload: { reason: 'perdu' } });
    expect(refused.statusCode).toBe(409);
    expect((await officeA.supervisor({ method: 'POST', url: `/applications/${doc.trackingNumber}/issued-documents/${doc.printed}/revoke`, payload: { reason: 'Obtenu par fraude' } })).json()).toMatchObject({
      status: 'revoked',
    });
  });

  it('records a collection at the office, and a posting with its reference, once each', async () => {
    const designer = as(stack, await tokenFor('designer'));
    for (const delivery of ['collection', 'post'] as const) {
      const published = await designer({ method: 'POST', url: '/procedures', payload: { ...deliveredBy(delivery), offices: ['annex'] } });
      expect(published.statusCode, published.body).toBe(201);
    }
    const collected = await approvedApplication('docs-by-collection', { fullName: form.fullName });
    const posted = await approvedApplication('docs-by-post', { fullName: form.fullName });

    const base = `/applications/${collected.trackingNumber}/issued-documents`;
    const postedBase = `/applications/${posted.trackingNumber}/issued-documents`;
    const wrongWay = await officeA.agent({ method: 'POST', url: `${base}/${collected.printed}/posted`, payload: { postalReference: 'RR123456789MA' } });
    expect(wrongWay.statusCode).toBe(422);
    expect(wrongWay.json()).toEqual(problemAnswer({ status: 422, code: 'delivery_mismatch', errors: [fieldError('params:/code')] }));
    expect((await officeA.citizen({ method: 'POST', url: `${base}/${collected.printed}/collected`, payload: {} })).statusCode).toBe(403);

    const handed = await officeA.agent({ method: 'POST', url: `${base}/${collected.printed}/collected`, payload: {} });
    expect(handed.statusCode, handed.body).toBe(200);
    expect(handed.json()).toMatchObject({ delivery: 'collection', collectedAt: expect.any(String) });
    expect((await officeA.agent({ method: 'POST', url: `${base}/${collected.printed}/collected`, payload: {} })).json()).toEqual(handed.json());

    const badReference = await officeA.agent({ method: 'POST', url: `${postedBase}/${posted.printed}/posted`, payload: { postalReference: '<b>' } });
    expect(badReference.statusCode).toBe(400);
    expect(badReference.json()).toEqual(problemAnswer({ status: 400, errors: [fieldError('/postalReference')] }));
    const sent = await officeA.agent({ method: 'POST', url: `${postedBase}/${posted.printed}/posted`, payload: { postalReference: 'RR123456789MA' } });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ delivery: 'post', postalReference: 'RR123456789MA', postedAt: expect.any(String) });
    const resent = await officeA.agent({ method: 'POST', url: `${postedBase}/${posted.printed}/posted`, payload: { postalReference: 'RR000000000MA' } });
    expect(resent.json()).toEqual(sent.json());
    // The citizen is told once that it is on its way, with the reference recorded first.
    const told = await query<{ template: string; context: Record<string, unknown> }>(stack.orm, 'select template, context from notification where tracking_number = $1 and template = $2', [
      posted.trackingNumber,
      'documentPosted',
    ]);
    expect(told).toEqual([{ template: 'documentPosted', context: expect.objectContaining({ code: posted.code, postalReference: 'RR123456789MA' }) }]);

    const kinds = async (trackingNumber: string) =>
      ((await officeA.agent({ method: 'GET', url: `/applications/${trackingNumber}/timeline` })).json().entries as Array<{ kind: string }>).map((e) => e.kind);
    expect((await kinds(collected.trackingNumber)).filter((k) => k === 'document-collected')).toHaveLength(1);
    expect((await kinds(posted.trackingNumber)).filter((k) => k === 'document-posted')).toHaveLength(1);
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
    const old = await issue(trackingNumber, before, `${trackingNumber}:rotation:old`);

    // The rotation as documented: the old key's public half stays, a new private key signs.
    writeFileSync(path.join(dir, 'current.pem'), generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(dir, 'retired-1.pem'), first.publicKey.export({ type: 'spki', format: 'pem' }));
    const after = await loadKeyRing(dir);
    expect(after.signer.keyId).not.toBe(before.signer.keyId);
    const fresh = await issue(trackingNumber, after, `${trackingNumber}:rotation:new`);
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
    const stray = await issue(trackingNumber, before, `${trackingNumber}:rotation:stray`);
    const res = await anonymous({ method: 'GET', url: `/verify/${stray.printed}` });
    expect(res.json()).toMatchObject({ authentic: false, problem: expect.stringContaining('not among the published document keys') });
    expect((await issuedDocumentByCode(stack.appOrm, stray.code))?.keyId).toBe(before.signer.keyId);
  });
});

/** What poppler's pdfsig says of a PDF's embedded signatures (it exits non-zero for some verdicts: the text is what counts). */
function pdfsig(pdf: Buffer): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'mohla-pdfsig-')), 'document.pdf');
  writeFileSync(file, pdf);
  try {
    return execFileSync('pdfsig', [file]).toString();
  } catch (err) {
    return String((err as { stdout?: Buffer }).stdout ?? '');
  }
}

describe('PAdES', () => {
  it("embeds the office certificate's signature in a re-issued copy: pdfsig finds it valid, and invalid once a byte changes; two overlapping attempts keep one file", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mohla-pades-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '30', '-subj', '/CN=Annexe administrative/O=Mohla test'], { stdio: 'ignore' });
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', path.join(dir, 'key.pem'), '-in', path.join(dir, 'cert.pem'), '-out', path.join(dir, 'office.p12'), '-passout', 'pass:office-secret']);
    const pades = padesSigner(loadConfig({ DOCUMENT_PADES_P12: path.join(dir, 'office.p12'), DOCUMENT_PADES_PASSPHRASE: 'office-secret' }).documents);
    expect(pades).toBeDefined();
    const signing = await buildApp(apiContext(stack, { orm: stack.appOrm, pades: pades! }));
    stack.answers.watch(signing);
    try {
      const doc = await approvedApplication();
      const agent = bearer(await tokenFor('agent', officeA.agentId, [officeA.office]));
      const made = await signing.inject({ method: 'POST', url: `/applications/${doc.trackingNumber}/issued-documents/${doc.printed}/reissue`, payload: { reason: 'Copie perdue' }, headers: agent });
      expect(made.statusCode, made.body).toBe(201);
      const copy = made.json() as { code: string; download: string; sha256: string };
      const pdf = (await signing.inject({ method: 'GET', url: copy.download, headers: agent })).rawPayload;
      expect(sha256Hex(pdf)).toBe(copy.sha256);
      const said = pdfsig(pdf);
      expect(said).toContain('Signer Certificate Common Name: Annexe administrative');
      expect(said).toContain('Signature Validation: Signature is Valid.');
      expect(said).toContain('Total document signed');
      // The Ed25519 signature covers the file as issued, PAdES signature included.
      expect((await signing.inject({ method: 'POST', url: '/verify', ...multipartFile('copy.pdf', pdf, 'application/pdf', { code: copy.code }) })).json().presented.authentic).toBe(true);
      expect(comparable(pdfText(keepPdf('pades-certificate', pdf)))).toContain(comparable('Certificat de résidence'));

      // Two attempts at one document overlap (a retry while the first is still signing): the second signs
      // a second later, so its file differs, and it is removed once the first is found in the register.
      const overlapping = await approvedApplication();
      const issueKey = `${overlapping.trackingNumber}:overlap`;
      let renders = 0;
      const late: Pick<DocumentRenderer, 'render'> = {
        render: async (...args) => {
          if ((renders += 1) === 2) await new Promise((resolve) => setTimeout(resolve, 1_100));
          return renderer.render(...args);
        },
      };
      const ring = await documentKeyRing();
      const attempts = await Promise.all([issue(overlapping.trackingNumber, ring, issueKey, { pades: pades!, renderer: late as DocumentRenderer }), issue(overlapping.trackingNumber, ring, issueKey, { pades: pades!, renderer: late as DocumentRenderer })]);
      expect(renders).toBe(2);
      expect(attempts[1].row).toEqual(attempts[0].row);
      const kept = readdirSync(path.join(stack.storage.root, 'issued', overlapping.trackingNumber));
      expect(kept.filter((name) => name !== path.basename(attempts[0].row.storageKey!) && name !== path.basename(overlapping.row.storageKey!))).toEqual([]);

      const changed = Buffer.from(pdf);
      const at = changed.indexOf('/Type /Page');
      changed[at + 1] = 't'.charCodeAt(0);
      expect(pdfsig(changed)).toContain('Signature Validation: Digest Mismatch.');
      expect((await signing.inject({ method: 'POST', url: '/verify', ...multipartFile('copy.pdf', changed, 'application/pdf', { code: copy.code }) })).json().presented.authentic).toBe(false);
    } finally {
      await signing.close();
    }
  });
});

