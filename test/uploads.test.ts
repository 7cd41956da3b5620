/**
 * Uploads as a careless client or an attacker sends them: too large, two files, broken multipart bodies,
 * crafted file names, a slot filled again and again; and documents served so that no browser renders them
 * as a page of Mohla's origin.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationDocument } from '../db/entities.js';
import { text, testProcedure } from './helpers/definitions.js';
import { multipartFile } from './helpers/multipart.js';
import { fieldError, problemAnswer, uploadAnswer } from './helpers/answers.js';
import { as, createTestStack, people, tokenFor, type TestStack } from './helpers/stack.js';

const OFFICE = 'annex-berkane-1';
const PROCEDURE = 'uploads-test';
const MB = 1024 * 1024;

let stack: TestStack;
let actors: Awaited<ReturnType<typeof people>>;

beforeAll(async () => {
  stack = await createTestStack();
  actors = await people(stack, OFFICE);
  const designer = as(stack, await tokenFor('designer'));
  const definition = testProcedure(PROCEDURE, {
    documents: [
      { id: 'plans', label: text('Plans'), formats: ['pdf'], maxSizeMb: 50 },
      { id: 'cinCopy', label: text('Copy of the identity card'), formats: ['pdf', 'png'], maxSizeMb: 5 },
    ],
  });
  const published = await designer({ method: 'POST', url: '/procedures', payload: definition });
  expect(published.statusCode, published.body).toBe(201);
});
afterAll(async () => {
  await stack?.close();
});

async function file(): Promise<string> {
  const res = await actors.citizen({ method: 'POST', url: '/applications', payload: { procedureId: PROCEDURE, officeId: OFFICE, data: {} } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().trackingNumber;
}

const pdf = (size: number, seed = 'x') => {
  const head = Buffer.from(`%PDF-1.7\n% ${seed}\n`);
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length), seed)]);
};

/** Every file under the storage folder, staging included: what a refused upload must not leave. */
function storedFiles(): string[] {
  return readdirSync(stack.storage.root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

async function documentRows(trackingNumber: string) {
  return stack.orm.em.fork().find(ApplicationDocument, { trackingNumber });
}

/** A multipart body written by hand, for the shapes a browser never sends. */
function rawMultipart(boundary: string, parts: string[], end = `--${boundary}--\r\n`) {
  return Buffer.from(parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + end, 'latin1');
}

describe('uploads', () => {
  it('refuse a file over the cap with 413 and leave nothing on disk; a large legal file arrives intact', async () => {
    const tn = await file();
    const before = storedFiles();
    const tooBig = await actors.citizen({ method: 'POST', url: `/applications/${tn}/documents/plans`, ...multipartFile('plans.pdf', pdf(60 * MB)) });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.headers['content-type']).toContain('application/problem+json');
    expect(tooBig.json()).toEqual(problemAnswer({ status: 413, code: 'file_too_large', errors: [fieldError('body:/file')] }));
    expect(storedFiles()).toEqual(before);
    expect(await documentRows(tn)).toEqual([]);

    const bytes = pdf(45 * MB, 'plans');
    const upload = await actors.citizen({ method: 'POST', url: `/applications/${tn}/documents/plans`, ...multipartFile('plans.pdf', bytes) });
    expect(upload.statusCode, upload.body).toBe(201);
    expect(upload.json()).toEqual(uploadAnswer({ documentId: 'plans', sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), mediaType: 'application/pdf' }));
    const back = await actors.agent({ method: 'GET', url: `/applications/${tn}/documents/plans/${upload.json().sha256}` });
    expect(back.rawPayload.equals(bytes)).toBe(true);
  });

  it('refuse a second file in one request rather than dropping it', async () => {
    const tn = await file();
    const boundary = 'mohla-two-files';
    const part = (name: string, body: string) =>
      `Content-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n${body}`;
    const res = await actors.citizen({
      method: 'POST',
      url: `/applications/${tn}/documents/cinCopy`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: rawMultipart(boundary, [part('front.pdf', '%PDF-1.7 front'), part('back.pdf', '%PDF-1.7 back')]),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(problemAnswer({ status: 400, code: 'invalid_input', errors: [{ pointer: 'body:/file', message: 'must be a single file' }] }));
    expect(await documentRows(tn)).toEqual([]);
  });

  it('answer a clear 4xx naming the field for broken multipart bodies and crafted names, and store nothing', async () => {
    const tn = await file();
    const url = `/applications/${tn}/documents/cinCopy`;
    const before = storedFiles();
    const filePart = (name: string) => `Content-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7 cin`;
    const cases: { what: string; headers: Record<string, string>; payload: Buffer; pointer: string }[] = [
      { what: 'not multipart', headers: { 'content-type': 'application/json' }, payload: Buffer.from('{"file":"%PDF-1.7"}'), pointer: 'header:/content-type' },
      { what: 'no boundary', headers: { 'content-type': 'multipart/form-data' }, payload: rawMultipart('b', [filePart('cin.pdf')]), pointer: 'header:/content-type' },
      {
        what: 'truncated',
        headers: { 'content-type': 'multipart/form-data; boundary=cut' },
        payload: Buffer.from(`--cut\r\n${filePart('cin.pdf')}${'x'.repeat(2000)}`, 'latin1'),
        pointer: 'body:/file',
      },
      {
        what: 'too many fields',
        headers: { 'content-type': 'multipart/form-data; boundary=many' },
        payload: rawMultipart('many', [...Array.from({ length: 10 }, (_, i) => `Content-Disposition: form-data; name="f${i}"\r\n\r\nv`), filePart('cin.pdf')]),
        pointer: 'body:/',
      },
      { what: 'NUL in the name', ...withHeaders('nul', filePart('cin\u0000.pdf')), pointer: 'body:/file' },
      { what: 'right-to-left override in the name', ...withHeaders('rlo', filePart(latin1('cin\u202efdp.exe'))), pointer: 'body:/file' },
    ];
    for (const c of cases) {
      const res = await actors.citizen({ method: 'POST', url, headers: c.headers, payload: c.payload });
      expect(res.statusCode, `${c.what}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${c.what}: ${res.body}`).toBeLessThan(500);
      expect(res.headers['content-type'], c.what).toContain('application/problem+json');
      expect(res.json(), c.what).toEqual(problemAnswer({ status: res.statusCode, errors: [fieldError(c.pointer)] }));
    }
    expect(await documentRows(tn)).toEqual([]);
    expect(storedFiles()).toEqual(before);
  });

  it('keep a normalised file name: composed, without invisible or control characters, bounded, extension kept', async () => {
    const tn = await file();
    const decomposed = 'Ame\u0301lie\u200b copie\u0007 CIN.pdf';
    const first = await actors.citizen({ method: 'POST', url: `/applications/${tn}/documents/cinCopy`, ...multipartFile(decomposed, pdf(100, 'a')) });
    expect(first.statusCode, first.body).toBe(201);
    const long = `${'بطاقة'.repeat(60)}.pdf`;
    const second = await actors.citizen({ method: 'POST', url: `/applications/${tn}/documents/cinCopy`, ...multipartFile(long, pdf(100, 'b')) });
    expect(second.statusCode, second.body).toBe(201);
    const names = (await documentRows(tn)).map((d) => d.fileName);
    expect(names).toContain('Am\u00e9lie copie CIN.pdf');
    const kept = names.find((n) => n.startsWith('بطاقة'))!;
    expect(Array.from(kept).length).toBeLessThanOrEqual(120);
    expect(kept.endsWith('.pdf')).toBe(true);
  });

  it('serve a document as a download in a sandbox, with its name encoded, so a PDF with scripts never runs as a page of ours', async () => {
    const tn = await file();
    const pdfWithScript = Buffer.from('%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF');
    const upload = await actors.citizen({ method: 'POST', url: `/applications/${tn}/documents/cinCopy`, ...multipartFile('بطاقة 1.pdf', pdfWithScript) });
    expect(upload.statusCode, upload.body).toBe(201);
    const res = await actors.agent({ method: 'GET', url: `/applications/${tn}/documents/cinCopy/${upload.json().sha256}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; /);
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('بطاقة 1.pdf')}`);
    expect(res.headers['content-disposition']).not.toMatch(/[^\x20-\x7e]/);
    expect(res.headers['content-security-policy']).toMatch(/(^|;\s*)sandbox(;|$)/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('hold the bound when uploads to one document arrive together, keeping no file of those refused', async () => {
    const tn = await file();
    const url = `/applications/${tn}/documents/cinCopy`;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => actors.citizen({ method: 'POST', url, ...multipartFile(`page-${i}.pdf`, pdf(2000, `together-${i}`)) })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 201, 201, 201, 201, 422, 422, 422]);
    expect(await documentRows(tn)).toHaveLength(5);
    expect(storedFiles().filter((f) => f.includes(`${path.sep}${tn}${path.sep}`))).toHaveLength(5);
  });

  it('remove uploads an earlier run left half-received, and only those', async () => {
    const staging = path.join(stack.storage.root, '.staging');
    mkdirSync(staging, { recursive: true });
    const abandoned = path.join(staging, 'abandoned.partial');
    const receiving = path.join(staging, 'receiving.partial');
    writeFileSync(abandoned, '%PDF-1.7 half');
    writeFileSync(receiving, '%PDF-1.7 half');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(abandoned, twoDaysAgo, twoDaysAgo);
    expect(await stack.storage.sweepStaging()).toBe(1);
    expect(readdirSync(staging)).toEqual(['receiving.partial']);
    rmSync(receiving);
  });

  it('hold a bounded number of files per document, while the same bytes sent again still answer as the first time', async () => {
    const tn = await file();
    const url = `/applications/${tn}/documents/cinCopy`;
    for (let i = 0; i < 5; i++) {
      const res = await actors.citizen({ method: 'POST', url, ...multipartFile(`cin-${i}.pdf`, pdf(100, `page-${i}`)) });
      expect(res.statusCode, res.body).toBe(201);
    }
    const sixth = await actors.citizen({ method: 'POST', url, ...multipartFile('cin-5.pdf', pdf(100, 'page-5')) });
    expect(sixth.statusCode).toBe(422);
    expect(sixth.json()).toEqual(problemAnswer({ status: 422, code: 'too_many_files', errors: [fieldError('params:/documentId')] }));
    const retried = await actors.citizen({ method: 'POST', url, ...multipartFile('cin-4.pdf', pdf(100, 'page-4')) });
    expect(retried.statusCode).toBe(201);
    expect(await documentRows(tn)).toHaveLength(5);
  });
});

/** Multipart headers carry raw UTF-8 bytes; the test helper writes its head as a JS string, so pass them through latin1. */
function latin1(name: string): string {
  return Buffer.from(name, 'utf8').toString('latin1');
}

function withHeaders(boundary: string, part: string) {
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: rawMultipart(boundary, [part]) };
}
