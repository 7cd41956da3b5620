/**
 * Documents issued by decisions on the real stack (Temporal, PostgreSQL, the document storage): the
 * residence certificate of an approval, the attestation a small building permit gets when its deadline
 * runs out unanswered, the refusal letter of an access-to-information request, each a signed PDF read
 * back with poppler, listed on the application's page, and entered in the audit chain.
 */
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuedDocumentsOf, type IssuedDocument } from '../db/issued-documents.js';
import { query } from '../db/sql.js';
import { createDocumentActivities } from '../activities/issued-documents.js';
import { documentToIssue } from '../engine/interpreter/issued-documents.js';
import { Notification } from '../db/entities.js';
import { notifyDocumentPosted } from '../notifications/document-events.js';
import { renderMessage } from '../notifications/templates.js';
import type { ProcedureDefinition } from '../engine/definition.generated.js';
import { documentKeyRing } from '../documents/key-ring.js';
import { verifyDocument } from '../documents/signatures.js';
import { PROJECT_ROOT } from '../infra/config.js';
import { applicationAnswer, issuedDocumentAnswer } from './helpers/answers.js';
import { comparable, firstPagePng, keepPdf, pdfText, readingOrder } from './helpers/pdf-reading.js';
import { addOffice, as, createTestStack, eventually, people, tokenFor, type TestStack } from './helpers/stack.js';
import { killHard, startWorkerProcess } from './helpers/worker-process.js';
import { informationRequest } from './helpers/definitions.js';

/** What a message is rendered with, for the texts only. */
const sampleContext = (language: 'ar' | 'fr' | 'en', trackingNumber: string) => ({
  language,
  audience: 'citizen' as const,
  trackingNumber,
  procedure: 'Certificat de résidence',
  now: new Date(),
  tasks: [],
  documents: [],
  outcome: 'approved',
});

let stack: TestStack;
let actors: Awaited<ReturnType<typeof people>>;
const PAGES = path.join(PROJECT_ROOT, 'test-results', 'documents');

beforeAll(async () => {
  stack = await createTestStack();
  actors = await people(stack, `annex-issuing-${stack.id}`);
});

// The stack replays every history of this file when it closes.
afterAll(async () => {
  await stack?.close();
});

const shipped = (file: string) => JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'procedures', file), 'utf8')) as ProcedureDefinition;

/** The one document an application issued, once it is there. */
async function issuedFor(trackingNumber: string, timeoutMs = 30_000): Promise<IssuedDocument> {
  const [document, ...more] = await eventually(async () => {
    const rows = await issuedDocumentsOf(stack.appOrm, trackingNumber);
    return rows.length ? rows : undefined;
  }, timeoutMs);
  expect(more).toEqual([]);
  return document!;
}

/** The PDF's bytes, kept under test-results/documents/ with a picture of its first page. */
function keptPdf(document: IssuedDocument, name: string): { bytes: Buffer; text: string } {
  const bytes = readFileSync(path.join(stack.storage.root, document.storageKey!));
  const file = keepPdf(name, bytes);
  firstPagePng(file);
  mkdirSync(PAGES, { recursive: true });
  copyFileSync(file.replace(/\.pdf$/, '.png'), path.join(PAGES, `${name}.png`));
  return { bytes, text: readingOrder(pdfText(file)) };
}

async function auditKinds(trackingNumber: string): Promise<Array<{ kind: string; detail: Record<string, unknown> }>> {
  return query(stack.appOrm, 'select kind, detail from audit_entry where tracking_number = $1 order by entry_seq', [trackingNumber]);
}

describe('a residence certificate granted by the agent', () => {
  it('is issued once: signed, stored, listed on the application, in the audit chain, with no personal data outside the PDF', async () => {
    const data = { fullName: 'Youssef Benali', cin: 'F987654', address: 'Douar Laayoune, Berkane' };
    const filed = await actors.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: actors.office, data } });
    expect(filed.statusCode, filed.body).toBe(201);
    const { trackingNumber, tasks } = filed.json() as { trackingNumber: string; tasks: Array<{ id: string }> };
    const done = await actors.agent({ method: 'POST', url: `/tasks/${tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
    expect(done.statusCode, done.body).toBe(200);

    const document = await issuedFor(trackingNumber);
    expect(document).toMatchObject({ kind: 'certificate', documentName: 'residence-certificate', delivery: 'download', issueKey: `${trackingNumber}:decision:residence-certificate`, languages: ['ar', 'fr', 'en'], issuedBy: null });
    const { bytes, text } = keptPdf(document, 'residence-certificate');
    for (const phrase of ['شهادة السكنى', 'Certificat de résidence', 'Residence certificate', trackingNumber, data.fullName, data.cin, data.address]) {
      expect(text, phrase).toContain(comparable(phrase));
    }
    const ring = await documentKeyRing();
    expect(verifyDocument(bytes, { algorithm: 'Ed25519', keyId: document.keyId, sha256: document.sha256, signature: document.signature }, ring)).toEqual({ ok: true, keyId: ring.signer.keyId });

    const view = await eventually(async () => {
      const res = (await actors.citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
      return res.issuedDocuments?.length ? res : undefined;
    });
    expect(view).toEqual(
      applicationAnswer({
        status: 'closed',
        outcome: 'approved',
        document: 'residence-certificate',
        issuedDocuments: [issuedDocumentAnswer({ code: document.code, kind: 'certificate', document: 'residence-certificate', status: 'valid', delivery: 'download' })],
      }),
    );

    const entry = await eventually(async () => (await auditKinds(trackingNumber)).find((e) => e.kind === 'document-issued'));
    expect(entry.detail).toEqual({ code: document.code, kind: 'certificate', document: 'residence-certificate', sha256: document.sha256, delivery: 'download' });
    // The activity asked again for the same decision (a retry, a replay) finds the document: same code, one row.
    const state = await stack.client.workflow.getHandle(trackingNumber).result();
    const definition = (await stack.procedures.get('residence-certificate', state.procedureVersion))!.definition;
    const activities = createDocumentActivities({ orm: stack.appOrm, storage: stack.storage, offices: stack.offices, publicUrl: 'http://localhost:3000' });
    const request = documentToIssue(definition, state)!;
    const summary = { code: document.code, kind: 'certificate', document: 'residence-certificate', sha256: document.sha256, delivery: 'download' };
    expect(await activities.issueDecisionDocument(request)).toEqual(summary);
    expect(await activities.issueDecisionDocument(request)).toEqual(summary);
    expect(await issuedDocumentsOf(stack.appOrm, trackingNumber)).toHaveLength(1);

    // The decision's message says the document can be downloaded.
    const decision = await stack.orm.em.fork().findOneOrFail(Notification, { key: `${trackingNumber}:decision` });
    expect(decision.context).toMatchObject({ outcome: 'approved', document: 'residence-certificate', downloadable: true });
    expect(renderMessage('decision', { ...sampleContext('fr', trackingNumber), downloadable: true }).text).toContain('Le document peut être téléchargé depuis votre espace Mohla.');

    // Posting it (as an agent records it) tells the citizen once, with the postal reference.
    const posted = { trackingNumber, code: document.code, document: 'residence-certificate', postalReference: 'RR123456789MA' };
    await notifyDocumentPosted({ orm: stack.appOrm, queues: stack.notifications }, posted);
    await notifyDocumentPosted({ orm: stack.appOrm, queues: stack.notifications }, posted);
    const messages = await stack.orm.em.fork().find(Notification, { trackingNumber, template: 'documentPosted' });
    expect(messages.map((m) => [m.key, m.recipients, m.context])).toEqual([
      [`${trackingNumber}:document:${document.code}:posted`, ['citizen'], { code: document.code, document: 'residence-certificate', postalReference: 'RR123456789MA' }],
    ]);
    expect(renderMessage('documentPosted', { ...sampleContext('ar', trackingNumber), postalReference: 'RR123456789MA' }).text).toContain('RR123456789MA');

    const timeline = JSON.stringify((await actors.citizen({ method: 'GET', url: `/applications/${trackingNumber}/timeline` })).json());
    for (const personal of Object.values(data)) expect(timeline).not.toContain(personal);
  });
});

describe('a small building permit left unanswered past its deadline', () => {
  it('gets its attestation of consent by silence automatically, with the legal basis', async () => {
    const definition = shipped('building-permit-small.v3.json');
    const quick = { ...definition, id: 'building-permit-small-quick', version: 1, deadline: { ...definition.deadline, budget: { duration: 'PT3S' }, warnings: [] } };
    await stack.procedures.publish(quick, 'test', 'api');
    const office = `commune-silence-${stack.id}`;
    addOffice(stack, office, 'commune');
    const citizen = as(stack, await tokenFor('citizen', `citizen-${office}`));
    const data = {
      ownerName: 'Khadija Amrani',
      cin: 'BE123456',
      landTitle: '12345/21',
      plotAddress: 'Lotissement Al Amal, lot 42, Oujda',
      projectKind: 'new-house',
      plotAreaM2: 150,
      builtAreaM2: 120,
      floors: 2,
      architect: 'Cabinet Tazi',
      phone: '0612345678',
    };
    const filed = await citizen({ method: 'POST', url: '/applications', payload: { procedureId: quick.id, officeId: office, data } });
    expect(filed.statusCode, filed.body).toBe(201);
    const { trackingNumber } = filed.json() as { trackingNumber: string };

    const document = await issuedFor(trackingNumber);
    expect(document).toMatchObject({ kind: 'attestation', documentName: 'building-permit-silence-certificate', issuedBy: null });
    const { text } = keptPdf(document, 'building-permit-silence-attestation');
    for (const phrase of [
      'شهادة الموافقة الضمنية على رخصة البناء',
      'Attestation de permis de construire tacite',
      "l'article 48 de la loi n° 12.90 relative à l'urbanisme",
      'المادة 48 من القانون رقم 12.90',
      '12345/21',
      data.ownerName,
      trackingNumber,
    ]) {
      expect(text, phrase).toContain(comparable(phrase));
    }
    const closed = (await citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
    expect(closed).toMatchObject({ outcome: 'approved', grantedBySilence: true, document: 'building-permit-silence-certificate' });
  });
});

describe('an access-to-information request refused', () => {
  type Steps = Record<string, Record<string, unknown>>;
  const request = informationRequest;
  const grounds = { grounds: 'The minutes of a public council session are public by law.' };

  /** The shipped v4 under another id, `change` applied: a short window or a short legal deadline. */
  async function published(id: string, change: (definition: { steps: Steps; deadline: Record<string, unknown> }) => void): Promise<ProcedureDefinition & { steps: Steps }> {
    const definition = { ...structuredClone(shipped('access-to-information.v4.json')), id, version: 1 };
    change(definition as unknown as { steps: Steps; deadline: Record<string, unknown> });
    await stack.procedures.publish(definition, 'test', 'api');
    return definition as unknown as ProcedureDefinition & { steps: Steps };
  }

  async function filedAt(office: string, procedureId: string) {
    addOffice(stack, office, 'commune');
    const citizen = as(stack, await tokenFor('citizen', `citizen-${office}`));
    const officer = as(stack, await tokenFor('agent', `officer-${office}`, [office]));
    const filed = await citizen({ method: 'POST', url: '/applications', payload: { procedureId, officeId: office, data: request } });
    expect(filed.statusCode, filed.body).toBe(201);
    const { trackingNumber } = filed.json() as { trackingNumber: string };
    const taskAt = async (stepId: string) =>
      ((await citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json().tasks as Array<{ id: string; stepId: string; status: string }>).find(
        (t) => t.stepId === stepId && t.status === 'open',
      )!;
    const timeline = async () => (await citizen({ method: 'GET', url: `/applications/${trackingNumber}/timeline` })).json().entries as Array<{ kind: string; stepId?: string; detail: Record<string, unknown> }>;
    return { citizen, officer, trackingNumber, taskAt, timeline };
  }

  /** "2026-12-06" as the letter prints it. */
  const printedDay = (iso: string) => iso.split('-').reverse().join('/');

  it('has its motivated letter, with the last day to complain, issued as the complaint window opens, and only that one once the window runs out', async () => {
    const definition = await published('access-to-information-refused-window', (d) => {
      // Long enough for the letter to be issued well inside it, short enough to see it run out.
      d.steps.refusalWindow = { ...d.steps.refusalWindow, within: { duration: 'PT20S' } };
    });
    const { officer, trackingNumber, taskAt, timeline } = await filedAt(`commune-refusal-${stack.id}`, definition.id);
    expect((await officer({ method: 'POST', url: `/tasks/${(await taskAt('examine')).id}/complete`, payload: { outcome: 'refuse' } })).statusCode).toBe(200);
    const refusal = { exception: 'privacy', motivation: 'The minutes name private persons throughout.' };
    const refused = await officer({ method: 'POST', url: `/tasks/${(await taskAt('motivateRefusal')).id}/complete`, payload: { outcome: 'confirm', data: refusal } });
    expect(refused.statusCode, refused.body).toBe(200);

    const document = await issuedFor(trackingNumber);
    expect(document).toMatchObject({ kind: 'refusal-letter', documentName: 'information-refusal', issueKey: `${trackingNumber}:refusalWindow:1`, delivery: 'download', issuedBy: null });
    const { text } = keptPdf(document, 'access-to-information-refusal-letter');
    const window = definition.steps.refusalWindow as { motivation: { ar: string; fr: string; en: string } };
    const opened = await eventually(async () => (await timeline()).find((e) => e.kind === 'windowOpened'));
    const lastDay = printedDay(opened.detail.dueDate as string);
    for (const phrase of [
      definition.issuedDocuments!['information-refusal']!.title.ar,
      definition.issuedDocuments!['information-refusal']!.title.fr,
      window.motivation.fr,
      window.motivation.en,
      'أسباب الرفض',
      // Arabic runs around digits and brackets come back reordered from pdftotext: words between them are compared.
      'رفض الطلب لأن المعلومة المطلوبة يشملها أحد الاستثناءات',
      'طرق الطعن',
      'يمكنكم تقديم شكاية إلى رئيس الهيئة داخل أجل',
      'dans les 20 jours ouvrables suivant la réception de cette décision',
      'CDAI',
      `Date limite pour contester cette décision : ${lastDay}`,
      `Last day to contest this decision: ${lastDay}`,
      'آخر أجل للطعن في هذا القرار',
      request.informationRequested,
    ]) {
      expect(text, phrase).toContain(comparable(phrase));
    }

    // The window runs out: the application closes on the refusal, which already has its letter.
    const result = await stack.client.workflow.getHandle(trackingNumber).result();
    expect(result).toMatchObject({ status: 'closed', outcome: 'rejected', document: 'information-refusal', endStep: 'refused' });
    const entries = await timeline();
    const at = (kind: string) => entries.findIndex((e) => e.kind === kind);
    // Issued while the window was open: before it closed, and so before the application did.
    expect(entries.filter((e) => e.kind === 'document-issued')).toEqual([expect.objectContaining({ stepId: 'refusalWindow', detail: expect.objectContaining({ code: document.code }) })]);
    expect(at('windowOpened')).toBeLessThan(at('document-issued'));
    expect(at('document-issued')).toBeLessThan(at('windowClosed'));
    expect(at('windowClosed')).toBeLessThan(at('closed'));
    expect((await issuedDocumentsOf(stack.appOrm, trackingNumber)).map((d) => d.code)).toEqual([document.code]);
    const audited = await eventually(async () => {
      const kinds = await auditKinds(trackingNumber);
      return kinds.some((e) => e.kind === 'closed') ? kinds.filter((e) => e.kind === 'document-issued') : undefined;
    });
    expect(audited.map((e) => e.detail.code)).toEqual([document.code]);
  });

  it('after the implicit refusal: the letter as the window opens, then, once the complaint is dismissed, the dismissal letter', async () => {
    const definition = await published('access-to-information-implicit-window', (d) => {
      d.deadline = { ...d.deadline, budget: { duration: 'PT3S' }, variants: [], warnings: [] };
    });
    const { citizen, officer, trackingNumber, taskAt, timeline } = await filedAt(`commune-implicit-${stack.id}`, definition.id);

    // The body stays silent: the implicit refusal opens the window (20 working days), and the letter comes with it.
    const letter = await issuedFor(trackingNumber);
    expect(letter).toMatchObject({ kind: 'refusal-letter', documentName: 'information-refusal', issueKey: `${trackingNumber}:silenceWindow:1` });
    const open = (await citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
    expect(open).toMatchObject({ status: 'open', citizenTurn: { stepId: 'silenceWindow' } });
    // The application's page lists it while the application is open.
    expect(open.issuedDocuments).toEqual([issuedDocumentAnswer({ code: letter.code, kind: 'refusal-letter', document: 'information-refusal', status: 'valid', delivery: 'download' })]);
    const { text } = keptPdf(letter, 'access-to-information-implicit-refusal-letter');
    const window = definition.steps.silenceWindow as { motivation: { ar: string; fr: string; en: string } };
    expect(text).toContain(comparable(window.motivation.fr));
    expect(text).toContain(comparable(`Date limite pour contester cette décision : ${printedDay(open.citizenTurn.dueDate as string)}`));

    const acted = await citizen({ method: 'POST', url: `/applications/${trackingNumber}/act`, payload: { stepId: 'silenceWindow', data: grounds } });
    expect(acted.statusCode, acted.body).toBe(200);
    const dismissed = await officer({
      method: 'POST',
      url: `/tasks/${(await taskAt('complaintReview')).id}/complete`,
      payload: { outcome: 'dismissed', data: { reasons: 'The minutes name private persons throughout.' } },
    });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    const result = await stack.client.workflow.getHandle(trackingNumber).result();
    expect(result).toMatchObject({ status: 'closed', outcome: 'rejected', document: 'complaint-dismissal' });
    const rows = await eventually(async () => {
      const issued = await issuedDocumentsOf(stack.appOrm, trackingNumber);
      return issued.length === 2 ? issued : undefined;
    });
    expect(rows.map((d) => [d.documentName, d.issueKey]).sort()).toEqual([
      ['complaint-dismissal', `${trackingNumber}:decision:complaint-dismissal`],
      ['information-refusal', `${trackingNumber}:silenceWindow:1`],
    ]);
    expect((await timeline()).filter((e) => e.kind === 'document-issued').map((e) => e.detail.document)).toEqual(['information-refusal', 'complaint-dismissal']);
  });
});

describe('a worker killed while it issues a document', () => {
  it('ends, once a worker is back, with exactly one document for the decision', async () => {
    await stack.stopWorker();
    // Worker processes sign with one key directory, as a deployment's workers do.
    const keys = mkdtempSync(path.join(os.tmpdir(), 'mohla-document-keys-'));
    writeFileSync(path.join(keys, 'current.pem'), generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const environment = { DOCUMENT_KEYS_DIR: keys };
    const workers: ChildProcess[] = [await startWorkerProcess(stack, environment)];
    try {
      const data = { fullName: 'Nadia Berrada', cin: 'J445566', address: 'Rue 7, Hay Hassani, Casablanca' };
      const filed = await actors.citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: actors.office, data } });
      expect(filed.statusCode, filed.body).toBe(201);
      const { trackingNumber, tasks } = filed.json() as { trackingNumber: string; tasks: Array<{ id: string }> };
      const done = await actors.agent({ method: 'POST', url: `/tasks/${tasks[0]!.id}/complete`, payload: { outcome: 'approve' } });
      expect(done.statusCode, done.body).toBe(200);
      // Killed as soon as the row is written: before or after the activity reported back, whichever came first.
      const first = await issuedFor(trackingNumber, 60_000);
      await killHard(workers[0]!);
      workers.push(await startWorkerProcess(stack, environment));

      const result = await stack.client.workflow.getHandle(trackingNumber).result();
      expect(result.status).toBe('closed');
      expect((await issuedDocumentsOf(stack.appOrm, trackingNumber)).map((d) => d.code)).toEqual([first.code]);
      const issued = await eventually(async () => {
        const entries = (await auditKinds(trackingNumber)).filter((e) => e.kind === 'document-issued');
        return entries.length ? entries : undefined;
      });
      expect(issued.map((e) => e.detail.code)).toEqual([first.code]);
    } finally {
      await Promise.all(workers.map(killHard));
      await stack.startWorker();
    }
  });
});
