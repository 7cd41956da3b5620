/**
 * The screens of issued documents for the people who make them, in a real browser (Debian's Chromium
 * through Playwright) on the real stack: a designer previews the residence certificate from the
 * playground, an agent re-issues a lost certificate and sees the old copy replaced, a supervisor revokes
 * the new one with a reason and the public verification page says so. axe checks each screen.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personContext, POLL, screenshot, seriousViolations, signInAs, textOf, watchedPage, watchSecurityPolicy, type PolicyViolation } from './helpers/browser.js';
import { testProcedure, text } from './helpers/definitions.js';
import { as, eventually, people, tokenFor, type TestStack } from './helpers/stack.js';
import { openWebStack } from './helpers/web-stack.js';

let stack: TestStack;
let browser: Browser;
let baseURL: string;

beforeAll(async () => {
  ({ stack, browser, baseURL } = await openWebStack());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

interface Listed {
  code: string;
  status: string;
}

/** A procedure's application filed and approved at a fresh office, once the workflow has issued its document. */
async function approvedApplication(procedureId: string, data: Record<string, unknown>) {
  const office = await people(stack, `annex-web-doc-actions-${procedureId}-${stack.id}`);
  const citizen = as(stack, await tokenFor('citizen', 'CD445566'));
  const filed = await citizen({ method: 'POST', url: '/applications', payload: { procedureId, officeId: office.office, data } });
  expect(filed.statusCode, filed.body).toBe(201);
  const { trackingNumber, tasks } = filed.json() as { trackingNumber: string; tasks: Array<{ id: string }> };
  expect((await office.agent({ method: 'POST', url: `/tasks/${tasks[0]!.id}/complete`, payload: { outcome: 'approve' } })).statusCode).toBe(200);
  const listed = await eventually(async () => {
    const answer = await office.agent({ method: 'GET', url: `/applications/${trackingNumber}/issued-documents` });
    const documents = answer.statusCode === 200 ? (answer.json() as { documents: Listed[] }).documents : [];
    return documents.length ? documents : undefined;
  }, 60_000);
  return { office, trackingNumber, code: listed![0]!.code };
}

const issuedCertificate = () =>
  approvedApplication('residence-certificate', { fullName: 'Karim Bennani', cin: 'CD445566', address: '4 avenue Hassan II, Oujda', phone: '+212611223344' });

/** A small procedure whose permit is handed over at the office or sent by post. */
function deliveredBy(delivery: 'collection' | 'post') {
  return testProcedure(`web-docs-by-${delivery}`, {
    form: { type: 'object', required: ['fullName'], properties: { fullName: { type: 'string' } } },
    issuedDocuments: { permit: { template: 'certificate', title: text('Permit'), delivery, holder: { var: 'data.fullName' } } },
  });
}

/** A browser signed in as one of the office's staff: no demonstration persona works at this office, so the session is set as sign-in sets it. */
async function staffContext(role: 'agent' | 'supervisor', sub: string, office: string): Promise<BrowserContext> {
  const context = await personContext(browser, baseURL);
  const token = await tokenFor(role, sub, [office]);
  await context.addInitScript(`sessionStorage.setItem('mohla.session', ${JSON.stringify(token)})`);
  return context;
}

describe('issued documents, for the designer and the office', () => {
  it('a designer previews the residence certificate from the playground: the PDF arrives and is offered; a refused sample value is named', async () => {
    const context = await personContext(browser, baseURL);
    const violations: PolicyViolation[] = [];
    await watchSecurityPolicy(context, violations);
    const page = await watchedPage(context);
    await signInAs(page, /Concepteur/);
    await page.selectOption('#start-from', 'residence-certificate');
    await expect.poll(textOf(page.locator('#definition .cm-content')), POLL).toContain('"residence-certificate"');
    const chooser = page.locator('#preview-document');
    await chooser.waitFor({ state: 'visible' });
    expect(await chooser.inputValue()).toBe('residence-certificate');

    const button = page.getByRole('button', { name: 'Aperçu du document' });
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/procedures/documents/preview') && r.request().method() === 'POST'), button.click()]);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    const shown = page.locator('.document-preview');
    await expect.poll(textOf(shown), POLL).toMatch(/^Aperçu prêt \(PDF, \d+ Ko\)/);
    const open = shown.getByRole('link', { name: /Ouvrir le PDF/ });
    expect(await open.getAttribute('href')).toMatch(/^blob:/);
    // The browser's own viewer opens it in a tab of its own, never framed in a page of Mohla.
    const [viewer] = await Promise.all([context.waitForEvent('page'), open.click()]);
    expect(viewer.url()).toMatch(/^blob:/);
    await viewer.close();
    // The download is the PDF the API answered, named after the document.
    const [download] = await Promise.all([page.waitForEvent('download'), shown.getByRole('link', { name: /Télécharger le PDF/ }).click()]);
    expect(readFileSync((await download.path())!).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(download.suggestedFilename()).toBe('residence-certificate-preview.pdf');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'designer-document-preview');

    // A sample value the template refuses (a control character in the holder's name): the API names the field.
    await page.fill('#preview-data', '{ "fullName": "Karim\\u0007" }');
    const [refused] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/procedures/documents/preview')), button.click()]);
    expect(refused.status()).toBe(400);
    const problem = page.locator('.problem[role="alert"]');
    await expect.poll(textOf(problem), POLL).toContain('Valeurs d’exemple du formulaire (JSON)');
    expect(await shown.count()).toBe(0);
    // Not JSON at all: said on the field, without asking the API.
    await page.fill('#preview-data', '{ fullName');
    await button.click();
    await expect.poll(textOf(page.locator('#preview-data-error')), POLL).toBe('Les valeurs d’exemple ne sont pas un objet JSON valide');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'designer-document-preview-refused');

    // The same control in Arabic.
    await page.getByRole('button', { name: 'العربية' }).click();
    await page.getByRole('button', { name: 'معاينة الوثيقة' }).waitFor();
    expect(violations).toEqual([]);
    await context.close();
  });

  it('an agent re-issues a lost certificate and sees the old copy replaced; a supervisor revokes the new one and the verification page says revoked', async () => {
    const issued = await issuedCertificate();

    const agentContext = await staffContext('agent', issued.office.agentId, issued.office.office);
    const agent = await watchedPage(agentContext);
    await agent.goto(`/#/applications/${issued.trackingNumber}`);
    const oldLine = agent.locator('.issued-documents li', { hasText: issued.code });
    await oldLine.getByRole('button', { name: /Délivrer une nouvelle copie/ }).click();
    const reason = agent.locator(`#doc-${issued.code}-reason`);
    await reason.waitFor();
    // Revoking is for supervisors: an agent is not offered it.
    expect(await oldLine.getByRole('button', { name: /Révoquer/ }).count()).toBe(0);

    // No reason: the route refuses, naming the field, which the message links to.
    const confirm = oldLine.getByRole('button', { name: 'Délivrer la copie' });
    const [blank] = await Promise.all([agent.waitForResponse((r) => r.url().endsWith('/reissue')), confirm.click()]);
    expect(blank.status()).toBe(400);
    await expect.poll(textOf(oldLine.locator('.problem')), POLL).toContain('Motif de la nouvelle copie');
    expect(await seriousViolations(agent)).toEqual([]);
    await screenshot(agent, 'agent-reissue-refused');

    await reason.fill('Copie perdue lors d’un déménagement');
    const [reissued] = await Promise.all([agent.waitForResponse((r) => r.url().endsWith('/reissue')), confirm.click()]);
    expect(reissued.status()).toBe(201);
    expect(reissued.request().headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    const newCode = ((await reissued.json()) as { code: string }).code;
    expect(newCode).not.toBe(issued.code);
    await expect.poll(textOf(oldLine.locator('[role="status"]')), POLL).toBe(`Nouvelle copie délivrée, code ${newCode}`);
    await expect.poll(textOf(oldLine.locator('.status')), POLL).toBe('(remplacé par une nouvelle copie)');
    const newLine = agent.locator('.issued-documents li', { hasText: newCode }).last();
    expect(await textOf(newLine.locator('.status'))()).toBe('(valide)');
    // The replaced copy is no longer re-issued: only the current one is.
    expect(await oldLine.getByRole('button', { name: /Délivrer une nouvelle copie/ }).count()).toBe(0);
    expect(await seriousViolations(agent)).toEqual([]);
    await screenshot(agent, 'agent-reissued');
    await agentContext.close();

    const supervisorContext = await staffContext('supervisor', issued.office.supervisorId, issued.office.office);
    const supervisor = await watchedPage(supervisorContext);
    await supervisor.goto(`/#/applications/${issued.trackingNumber}`);
    const current = supervisor.locator('.issued-documents li', { hasText: newCode });
    await current.getByRole('button', { name: /Révoquer le document/ }).click();
    await supervisor.locator(`#doc-${newCode}-reason`).fill('Copie délivrée sur une pièce d’identité falsifiée');
    expect(await seriousViolations(supervisor)).toEqual([]);
    await screenshot(supervisor, 'supervisor-revoke');
    const [revoked] = await Promise.all([supervisor.waitForResponse((r) => r.url().endsWith('/revoke')), current.getByRole('button', { name: 'Confirmer la révocation' }).click()]);
    expect(revoked.status()).toBe(200);
    await expect.poll(textOf(current.locator('.status')), POLL).toBe('(révoqué)');
    expect(await textOf(current)()).toContain('Copie délivrée sur une pièce d’identité falsifiée');
    await screenshot(supervisor, 'supervisor-revoked');
    await supervisorContext.close();

    const visitor = await personContext(browser, baseURL);
    const verify = await visitor.newPage();
    await verify.goto(`/#/verify/${newCode}`);
    await expect.poll(textOf(verify.locator('.verdict-line').first()), POLL).toBe('Document authentique, mais révoqué');
    expect(await textOf(verify.locator('.verdict'))()).toContain('Copie délivrée sur une pièce d’identité falsifiée');
    expect(await seriousViolations(verify)).toEqual([]);
    await screenshot(verify, 'verify-revoked-after-reissue');
    await visitor.close();
  });

  it('an agent records the collection of a permit handed over at the office, and the postal reference of one sent by post', async () => {
    const designer = as(stack, await tokenFor('designer'));
    for (const delivery of ['collection', 'post'] as const) {
      const published = await designer({ method: 'POST', url: '/procedures', payload: deliveredBy(delivery) });
      expect(published.statusCode, published.body).toBe(201);
    }
    const collected = await approvedApplication('web-docs-by-collection', { fullName: 'Karim Bennani' });
    const posted = await approvedApplication('web-docs-by-post', { fullName: 'Karim Bennani' });

    const context = await staffContext('agent', collected.office.agentId, collected.office.office);
    const page = await watchedPage(context);
    await page.goto(`/#/applications/${collected.trackingNumber}`);
    const line = page.locator('.issued-documents li', { hasText: collected.code });
    // Handed over, not posted: only the actions that fit the document are offered.
    expect(await line.getByRole('button', { name: /Enregistrer la référence postale/ }).count()).toBe(0);
    await line.getByRole('button', { name: /Enregistrer le retrait/ }).click();
    const [handed] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/collected')), line.getByRole('button', { name: 'Confirmer le retrait' }).click()]);
    expect(handed.status()).toBe(200);
    await expect.poll(textOf(line.locator('[role="status"]')), POLL).toBe('Retrait enregistré.');
    await expect.poll(textOf(line), POLL).toContain('Retiré le');
    expect(await line.getByRole('button', { name: /Enregistrer le retrait/ }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'agent-document-collected');
    await context.close();

    const postContext = await staffContext('agent', posted.office.agentId, posted.office.office);
    const post = await watchedPage(postContext);
    await post.goto(`/#/applications/${posted.trackingNumber}`);
    const postedLine = post.locator('.issued-documents li', { hasText: posted.code });
    await postedLine.getByRole('button', { name: /Enregistrer la référence postale/ }).click();
    const reference = post.locator(`#doc-${posted.code}-postalReference`);
    // A reference the postal service never gives: refused by the route, naming the field.
    await reference.fill('<b>');
    const confirm = postedLine.getByRole('button', { name: 'Enregistrer l’envoi' });
    const [refused] = await Promise.all([post.waitForResponse((r) => r.url().endsWith('/posted')), confirm.click()]);
    expect(refused.status()).toBe(400);
    await expect.poll(textOf(postedLine.locator('.problem')), POLL).toContain('Référence postale');
    expect(await seriousViolations(post)).toEqual([]);
    await screenshot(post, 'agent-postal-reference-refused');
    await reference.fill('RR123456789MA');
    const [sent] = await Promise.all([post.waitForResponse((r) => r.url().endsWith('/posted')), confirm.click()]);
    expect(sent.status()).toBe(200);
    await expect.poll(textOf(postedLine), POLL).toContain('Envoyé par la poste, référence RR123456789MA');
    await post.getByRole('button', { name: 'English' }).click();
    await expect.poll(textOf(postedLine.locator('[role="status"]')), POLL).toBe('Mailing recorded; the citizen is told.');
    expect(await seriousViolations(post)).toEqual([]);
    await screenshot(post, 'agent-document-posted-en');
    await postContext.close();
  });
});
