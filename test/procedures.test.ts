import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationAnswer, eachItem, fieldError, guideDeadlineAnswer, guideDocumentAnswer, guideEntryAnswer, legalBasisAnswer, problemAnswer, procedureSummaryAnswer } from './helpers/answers.js';
import { loadConfig } from '../infra/config.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProcedureFolder } from '../registry/catalogue.js';
import { ProcedureRegistry, publishShippedProcedures } from '../registry/published.js';
import { as, createTestStack, people, tokenFor, type TestStack } from './helpers/stack.js';
import { comparable, keepPdf, pdfText, readingOrder } from './helpers/pdf-reading.js';

/** The latest shipped version, which new applications take until a newer one is published. */
const latest = loadProcedureFolder(loadConfig().proceduresDir).catalogue.get('residence-certificate')!;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const shipped = latest.definition as any;

/** The next version renames the outcomes: an application filed under the latest must keep the latest's. */
function nextVersion() {
  const next = structuredClone(shipped);
  next.version = latest.version + 1;
  next.steps.review.outcomes = { grant: { next: 'issued' }, refuse: { next: 'refused' } };
  next.steps.issued.document = 'residence-certificate-2026';
  // The renamed document is declared under its new name, as the checker asks.
  next.issuedDocuments = { ...next.issuedDocuments, 'residence-certificate-2026': next.issuedDocuments['residence-certificate'] };
  delete next.issuedDocuments['residence-certificate'];
  return next;
}

let stack: TestStack;
let designer: ReturnType<typeof as>;
beforeAll(async () => {
  stack = await createTestStack();
  designer = as(stack, await tokenFor('designer'));
});
afterAll(async () => {
  await stack?.close();
});

const form = { fullName: 'Khadija Amrani', cin: 'FA45678', address: 'Hay Al Qods, Berkane' };

describe('the published registry', () => {
  it('lists the shipped procedures, each with its content hash', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/procedures' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ procedures: eachItem(procedureSummaryAnswer()) });
    expect(res.json().procedures).toContainEqual(procedureSummaryAnswer({ id: 'residence-certificate', version: latest.version, hash: latest.hash }));
  });

  it('validates a draft without publishing it, naming each pointer', async () => {
    const draft = structuredClone(shipped);
    draft.steps.review.outcomes.approve.next = 'nowhere';
    const res = await designer({ method: 'POST', url: '/procedures/validate', payload: draft });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toContainEqual({ pointer: '/steps/review/outcomes/approve/next', message: 'step "nowhere" does not exist' });
    const ok = await designer({ method: 'POST', url: '/procedures/validate', payload: shipped });
    expect(ok.statusCode).toBe(200);
  });

  it('refuses a draft whose text gives a key twice, naming both lines, as `mohla validate` does', async () => {
    const text = JSON.stringify({ ...shipped, version: latest.version + 7 }, null, 2);
    const twice = text.replace('"steps": {', '"steps": {\n    "issued": { "type": "end", "outcome": "approved" },');
    const line = (needle: string, from = 0) => twice.slice(0, twice.indexOf(needle, from)).split('\n').length;
    const first = line('"issued": {');
    const again = line('"issued": {', twice.indexOf('"issued": {') + 1);
    const headers = { 'content-type': 'application/json' };
    for (const url of ['/procedures/validate', '/procedures']) {
      const res = await designer({ method: 'POST', url, headers, payload: twice });
      expect(res.statusCode, url).toBe(422);
      expect(res.json(), url).toEqual(
        problemAnswer({ status: 422, code: 'invalid_definition', errors: [{ pointer: '/steps/issued', message: `duplicate key "issued" (first at line ${first}, again at line ${again})` }] }),
      );
    }
    const versions = await stack.app.inject({ method: 'GET', url: '/procedures/residence-certificate/versions' });
    expect(versions.json().versions.map((v: { version: number }) => v.version)).not.toContain(latest.version + 7);
  });

  it("names the line and column of a draft's syntax error", async () => {
    const res = await designer({ method: 'POST', url: '/procedures/validate', headers: { 'content-type': 'application/json' }, payload: '{\n  "id": "x",\n  "version": 1,\n}' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(problemAnswer({ status: 400, code: 'invalid_input', errors: [{ pointer: '/', message: 'not valid JSON at line 4, column 1: unexpected "}"' }] }));
  });

  it('refuses a draft whose form labels are malformed, naming each pointer', async () => {
    const draft = structuredClone(shipped);
    draft.form.properties.fullName.label = 'Full name';
    draft.form.properties.language.enumLabels.de = { ar: 'الألمانية', fr: 'Allemand', en: 'German' };
    const res = await designer({ method: 'POST', url: '/procedures/validate', payload: draft });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual(
      expect.arrayContaining([
        { pointer: '/form/properties/fullName/label', message: 'must be object' },
        { pointer: '/form/properties/language/enumLabels/de', message: '"de" is not a value of the enum (ar, fr, en)' },
      ]),
    );
  });

  it('refuses to publish an invalid definition, and stores nothing', async () => {
    const broken = nextVersion();
    broken.version = latest.version + 5;
    broken.start = 'nowhere';
    const res = await designer({ method: 'POST', url: '/procedures', payload: broken });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual(problemAnswer({ status: 422, code: 'invalid_definition', errors: [fieldError('/start')] }));
    const versions = await stack.app.inject({ method: 'GET', url: '/procedures/residence-certificate/versions' });
    expect(versions.json().versions.map((v: { version: number }) => v.version)).not.toContain(latest.version + 5);
  });

  it('publishes a language-1 definition that loops without waiting, but refuses to file under it, naming the step', async () => {
    const looping = structuredClone(shipped);
    Object.assign(looping, { id: `looping-${stack.id}`, version: 1, languageVersion: 1, start: 'route' });
    looping.steps.route = { type: 'decision', cases: [{ when: { '==': [{ var: 'data.fullName' }, 'Nobody'] }, next: 'review' }], otherwise: 'tell' };
    looping.steps.tell = { type: 'notify', notify: ['citizen'], template: 'administrative-certificate.ready', next: 'route' };
    const published = await designer({ method: 'POST', url: '/procedures', payload: looping });
    expect(published.statusCode, published.body).toBe(201);
    const office = `annex-loop-${stack.id}`;
    const { citizen } = await people(stack, office);
    const res = await citizen({ method: 'POST', url: '/applications', payload: { procedureId: looping.id, officeId: office, data: form } });
    // route, tell, route…: the 1001st step entered is route.
    expect(res.json()).toEqual(
      problemAnswer({
        status: 422,
        code: 'invalid_definition',
        detail: 'The application went through 1000 steps without waiting for a person, a timer or the citizen, the last one "route": the definition loops there; a loop needs a task, a wait step or a complement request on it.',
      }),
    );
  });

  it('publishes at start-up a shipped language-1 file that a newer rule only warns about, and says what the warning is', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'mohla-shipped-'));
    const text = readFileSync(path.join(loadConfig().proceduresDir, 'residence-certificate.v1.json'), 'utf8');
    // A key given twice: JSON keeps the last, so this is the very definition shipped as language 1.
    writeFileSync(path.join(folder, 'residence-certificate.v1.json'), text.replace('{', '{\n  "title": "draft title",'));
    const { refused, warnings } = await publishShippedProcedures(new ProcedureRegistry(stack.orm), folder);
    expect(refused).toEqual([]);
    expect(warnings.map((w) => `${w.file} ${w.pointer}: ${w.message}`)).toEqual([expect.stringMatching(/^residence-certificate\.v1\.json \/title: duplicate key "title" \(first at line 2, again at line \d+\)$/)]);
  });

  it('still files under an older shipped version when asked, with the form of that version', async () => {
    const office = `annex-older-${stack.id}`;
    const { citizen } = await people(stack, office);
    const file = (data: Record<string, unknown>, procedureVersion?: number) =>
      citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', ...(procedureVersion ? { procedureVersion } : {}), officeId: office, data } });
    // Version 1's form predates the language field; the latest one has it.
    const refused = await file({ ...form, language: 'ar' }, 1);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toContainEqual({ pointer: '/data/language', message: 'is not an allowed property' });
    const v1 = await file(form, 1);
    expect(v1.statusCode, v1.body).toBe(201);
    expect(v1.json().procedure).toEqual({ id: 'residence-certificate', version: 1 });
    const newest = await file({ ...form, language: 'ar' });
    expect(newest.statusCode, newest.body).toBe(201);
    expect(newest.json().procedure).toEqual({ id: 'residence-certificate', version: latest.version });
  });

  it('publishing a new version leaves an open application on the version it was filed under', async () => {
    const office = `annex-pin-${stack.id}`;
    const { citizen, agent } = await people(stack, office);
    const filedBefore = await citizen({
      method: 'POST',
      url: '/applications',
      payload: { procedureId: 'residence-certificate', officeId: office, data: form },
    });
    expect(filedBefore.statusCode, filedBefore.body).toBe(201);
    expect(filedBefore.json().procedure).toEqual({ id: 'residence-certificate', version: latest.version });

    const published = await designer({ method: 'POST', url: '/procedures', payload: nextVersion() });
    expect(published.statusCode, published.body).toBe(201);
    expect(published.json()).toEqual({ status: 'published', id: 'residence-certificate', version: latest.version + 1, hash: expect.any(String) });

    const again = await designer({ method: 'POST', url: '/procedures', payload: nextVersion() });
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('unchanged');
    const altered = nextVersion();
    altered.title.en = 'Something else';
    const conflict = await designer({ method: 'POST', url: '/procedures', payload: altered });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().code).toBe('version_conflict');

    const newest = await stack.app.inject({ method: 'GET', url: '/procedures/residence-certificate' });
    expect(newest.json().version).toBe(latest.version + 1);

    // New applications take the new version; the open one keeps its own version's outcomes and document.
    const filedAfter = await citizen({
      method: 'POST',
      url: '/applications',
      payload: { procedureId: 'residence-certificate', officeId: office, data: form },
    });
    expect(filedAfter.json().procedure.version).toBe(latest.version + 1);
    const openTask = filedBefore.json().tasks[0].id;
    const wrong = await agent({ method: 'POST', url: `/tasks/${openTask}/complete`, payload: { outcome: 'grant' } });
    expect(wrong.statusCode).toBe(422);
    const done = await agent({ method: 'POST', url: `/tasks/${openTask}/complete`, payload: { outcome: 'approve' } });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual(applicationAnswer({ outcome: 'approved', document: 'residence-certificate', procedure: { id: 'residence-certificate', version: latest.version } }));
  });
});

describe('the digital guide', () => {
  it('speaks the requested language', async () => {
    const ar = await stack.app.inject({ method: 'GET', url: '/guide?lang=ar' });
    expect(ar.statusCode).toBe(200);
    expect(ar.json()).toEqual({ language: 'ar', procedures: eachItem(guideEntryAnswer({ language: 'ar' })) });
    expect(ar.json().procedures).toContainEqual(guideEntryAnswer({ id: 'residence-certificate', language: 'ar', title: 'شهادة السكنى' }));
    expect(ar.json().procedures.find((p: { id: string }) => p.id === 'residence-certificate').categoryLabel).toBe('الشهادات الإدارية');
    const en = await stack.app.inject({ method: 'GET', url: '/guide/residence-certificate', headers: { 'accept-language': 'en-GB,en;q=0.8' } });
    expect(en.json()).toEqual(
      guideEntryAnswer({
        language: 'en',
        title: 'Residence certificate',
        category: 'certificates',
        categoryLabel: 'Administrative certificates',
        clocks: [],
        documents: [guideDocumentAnswer({ label: 'Copy of the national identity card' })],
        legalDeadline: guideDeadlineAnswer({ budget: expect.stringContaining('working days') }),
        legalBasis: legalBasisAnswer({ law: 'Law 55.19', confirmed: false }),
      }),
    );
  });

  it('answers 404 for an unknown procedure', async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/guide/no-such-thing' });
    expect(res.statusCode).toBe(404);
  });

  it("lists an internal procedure's named clocks, each with its rule in words", async () => {
    const res = await stack.app.inject({ method: 'GET', url: '/guide/council-session?lang=fr' });
    const council = loadProcedureFolder(loadConfig().proceduresDir).catalogue.get('council-session')!.definition;
    expect(res.json().clocks).toEqual(Object.values(council.clocks!).map((c) => ({ label: c.label.fr, rule: expect.stringMatching(/jours calendaires (avant|après) la date fixée dans le dossier/), legalBasis: legalBasisAnswer() })));
  });
});

describe("the preview of a draft's own messages", () => {
  const dispute = loadProcedureFolder(loadConfig().proceduresDir).catalogue.get('dispute-file')!.definition;
  const [name] = Object.keys(dispute.messages!);

  it('renders each message for a designer in the language asked for, and names a refused text with its pointer', async () => {
    const res = await designer({ method: 'POST', url: '/procedures/messages/preview', payload: { definition: dispute, language: 'ar' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      language: 'ar',
      audience: 'citizen',
      messages: [{ name, subject: expect.stringContaining(dispute.messages![name!]!.title.ar), text: expect.stringContaining(dispute.title.ar), problems: [] }],
    });
    const broken = structuredClone(dispute);
    broken.messages![name!]!.text.ar = '{trackingNumber';
    const refused = await designer({ method: 'POST', url: '/procedures/messages/preview', payload: { definition: broken, language: 'ar' } });
    expect(refused.statusCode).toBe(200);
    expect(refused.json().messages).toEqual([{ name, subject: null, text: null, problems: [{ pointer: `/messages/${name}/text/ar`, message: expect.stringContaining('not an ICU message'), severity: 'error' }] }]);
  });

  it('answers 422 naming what else is wrong in the draft, and refuses a citizen', async () => {
    const { start: _start, ...startless } = dispute;
    const res = await designer({ method: 'POST', url: '/procedures/messages/preview', payload: { definition: startless } });
    expect(res.json()).toEqual(problemAnswer({ status: 422, code: 'invalid_definition', errors: [fieldError('/definition/start', 'is required')] }));
    const citizen = as(stack, await tokenFor('citizen', 'AB123456'));
    expect((await citizen({ method: 'POST', url: '/procedures/messages/preview', payload: { definition: dispute } })).statusCode).toBe(403);
  });
});

describe("the preview of a draft's issued document", () => {
  const residence = loadProcedureFolder(loadConfig().proceduresDir).catalogue.get('residence-certificate')!.definition;

  it('prints the document as a PDF for a designer, with sample values where the designer gives none', async () => {
    const res = await designer({
      method: 'POST',
      url: '/procedures/documents/preview',
      payload: { definition: residence, document: 'residence-certificate', data: { fullName: 'Hamza Alaoui', address: '3 rue Ibn Batouta, Tanger' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = readingOrder(pdfText(keepPdf('preview-residence-certificate', pdf)));
    for (const phrase of ['شهادة السكنى', 'Certificat de résidence', 'Hamza Alaoui', '3 rue Ibn Batouta, Tanger', '[Numéro de la CNIE]']) expect(text, phrase).toContain(comparable(phrase));
  });

  it('prints a refusal letter with the motivation of the end that sends it', async () => {
    const res = await designer({ method: 'POST', url: '/procedures/documents/preview', payload: { definition: residence, document: 'residence-refusal' } });
    expect(res.statusCode, res.body).toBe(200);
    const text = readingOrder(pdfText(keepPdf('preview-residence-refusal', res.rawPayload)));
    const refused = residence.steps.refused as { motivation: { fr: string } };
    expect(text).toContain(comparable(refused.motivation.fr));
  });

  it('answers 400 naming the field for a document the draft does not declare, 422 for a broken draft, 403 for anyone but a designer', async () => {
    const unknown = await designer({ method: 'POST', url: '/procedures/documents/preview', payload: { definition: residence, document: 'birth-certificate' } });
    expect(unknown.json()).toEqual(
      problemAnswer({ status: 400, code: 'invalid_input', errors: [{ pointer: '/document', message: 'names no document of the definition (it declares residence-certificate, residence-refusal)' }] }),
    );
    const { start: _start, ...startless } = residence;
    const broken = await designer({ method: 'POST', url: '/procedures/documents/preview', payload: { definition: startless, document: 'residence-certificate' } });
    expect(broken.json()).toEqual(problemAnswer({ status: 422, code: 'invalid_definition', errors: [fieldError('/definition/start', 'is required')] }));
    const controlled = await designer({ method: 'POST', url: '/procedures/documents/preview', payload: { definition: residence, document: 'residence-certificate', data: { fullName: 'Amina\u202eEl Idrissi' } } });
    expect(controlled.statusCode).toBe(400);
    expect(controlled.json().errors).toEqual([{ pointer: '/data', message: expect.stringMatching(/^\/holder\/name holds the direction control U\+202E/) }]);
    const citizen = as(stack, await tokenFor('citizen', 'AB123456'));
    expect((await citizen({ method: 'POST', url: '/procedures/documents/preview', payload: { definition: residence, document: 'residence-certificate' } })).statusCode).toBe(403);
  });
});
