/**
 * The web front end in a real browser (Debian's Chromium through Playwright) on the real stack: a citizen
 * files and follows an application in Arabic, an agent decides it from the inbox, the supervisor's
 * figures change, the kiosk finds it by tracking number and PIN, a designer sees a broken definition's
 * errors. Every page visited is screenshotted (test-results/screenshots) and checked with axe.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../infra/config.js';
import { loadProcedureFolder } from '../registry/catalogue.js';
import { personContext, POLL, replaceEditorText, screenshot, seriousViolations, signInAs, textOf, watchedPage, watchSecurityPolicy, type PolicyViolation, type Violation } from './helpers/browser.js';
import { StaffDirectory } from '../notifications/staff.js';
import { bearer, tokenFor, type TestStack } from './helpers/stack.js';
import { openWebStack } from './helpers/web-stack.js';

const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

let stack: TestStack;
let browser: Browser;
let baseURL: string;
const contexts: BrowserContext[] = [];
const violations: Record<string, Violation[]> = {};
/** Every Content-Security-Policy violation in any page of this file: none is allowed. */
const policyViolations: PolicyViolation[] = [];

beforeAll(async () => {
  ({ stack, browser, baseURL } = await openWebStack());
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.close();
});

async function open(options: { phone?: boolean; kiosk?: boolean } = {}): Promise<Page> {
  const context = await personContext(browser, baseURL, options);
  contexts.push(context);
  await watchSecurityPolicy(context, policyViolations);
  const page = await watchedPage(context);
  return page;
}

/** Screenshot and accessibility check of the page as the person sees it now. */
async function look(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await screenshot(page, name);
  violations[name] = await seriousViolations(page);
}

function expectAccessible(names: string[]) {
  const found = Object.fromEntries(names.map((n) => [n, violations[n] ?? ['not visited']]).filter(([, v]) => (v as unknown[]).length));
  expect(found).toEqual({});
}

let trackingNumber = '';
let pin = '';
let withinBefore = '';
let citizenPage: Page;
let supervisorPage: Page;

describe('citizen portal, in Arabic, on a phone', () => {
  it('files a residence certificate with field errors beside the fields, then gets a printable receipt with the legal due date', async () => {
    const page = (citizenPage = await open({ phone: true }));
    await page.goto('/#/guide');
    await page.getByRole('button', { name: 'العربية' }).click();
    await expect.poll(() => page.evaluate<string[]>('[document.documentElement.lang, document.documentElement.dir]'), POLL).toEqual(['ar', 'rtl']);
    await look(page, 'citizen-1-guide-ar');

    await page.fill('#guide-search', 'السكنى');
    await page.getByRole('link', { name: 'شهادة السكنى' }).click();
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('شهادة السكنى');
    await look(page, 'citizen-2-guide-entry-ar');

    await page.getByRole('link', { name: 'قدم طلبك الآن' }).click();
    // Filing needs a person: the portal asks to sign in, then comes back to the form.
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('تسجيل الدخول');
    await page.fill('#citizen-id', 'AB123456');
    await page.getByRole('button', { name: /مواطن/ }).click();
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toContain('شهادة السكنى');

    await page.getByRole('button', { name: 'إيداع الطلب' }).click();
    await expect.poll(() => page.locator('#form-fullName').getAttribute('aria-invalid'), POLL).toBe('true');
    await expect.poll(textOf(page.locator('#form-fullName-error')), POLL).toMatch(/هذه الخانة إلزامية/);
    await expect.poll(textOf(page.locator('#office-error')), POLL).toMatch(/هذه الخانة إلزامية/);
    await page.fill('#form-cin', 'not a cin');
    await page.getByRole('button', { name: 'إيداع الطلب' }).click();
    await expect.poll(textOf(page.locator('#form-cin-error')), POLL).toMatch(/الصيغة غير صحيحة/);
    await look(page, 'citizen-3-form-errors-ar');

    // The form asks for the language of messages: the portal's own is already chosen.
    expect(await page.locator('#form-language').inputValue()).toBe('ar');
    await page.selectOption('#office', 'annex-berkane-1');
    await page.fill('#form-fullName', 'أمينة الإدريسي');
    await page.fill('#form-cin', 'AB123456');
    await page.fill('#form-address', 'حي السلام، زنقة 4، بركان');
    await page.setInputFiles('#doc-cinCopy', { name: 'cnie.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('button', { name: 'إيداع الطلب' }).click();

    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('تم إيداع طلبك');
    const codes = page.locator('.receipt .tracking');
    trackingNumber = (await codes.nth(0).textContent())!.trim();
    pin = (await codes.nth(1).textContent())!.trim();
    expect(trackingNumber).toMatch(/^[A-Z0-9-]{8,}$/);
    expect(pin).toMatch(/^\d{6}$/);
    await expect.poll(textOf(page.locator('.receipt')), POLL).toContain('نسخة من البطاقة الوطنية للتعريف');
    await expect.poll(textOf(page.locator('.receipt')), POLL).toContain('أجل البت القانوني');
    await page.getByRole('button', { name: 'طباعة' }).waitFor({ state: 'visible' });
    await look(page, 'citizen-4-receipt-ar');

    // Printing hides the site's chrome and keeps the receipt.
    await page.emulateMedia({ media: 'print' });
    await page.locator('.site-header').waitFor({ state: 'hidden' });
    await page.locator('.receipt').waitFor({ state: 'visible' });
    await page.emulateMedia({ media: 'screen' });
    expectAccessible(['citizen-1-guide-ar', 'citizen-2-guide-entry-ar', 'citizen-3-form-errors-ar', 'citizen-4-receipt-ar']);
  }, 120_000);

  it('follows it under "my applications": status, the legal due date explained, the timeline', async () => {
    const page = citizenPage;
    await page.goto('/#/applications');
    await page.getByRole('link', { name: trackingNumber }).click();
    await expect.poll(textOf(page.locator('dd.status')), POLL).toBe('قيد الدراسة');
    await expect.poll(textOf(page.locator('.deadline')), POLL).toContain('أجل البت القانوني');
    await expect.poll(textOf(page.locator('.deadline')), POLL).toContain('3 يوم عمل');
    await expect.poll(textOf(page.locator('.timeline')), POLL).toContain('إيداع الطلب');
    await expect.poll(textOf(page.locator('.documents')), POLL).toContain('cnie.png');
    await look(page, 'citizen-5-application-ar');
    expectAccessible(['citizen-5-application-ar']);
  }, 60_000);
});

describe('supervisor and agent', () => {
  it("the supervisor's dashboard shows the office's figures before the decision", async () => {
    const page = (supervisorPage = await open());
    await signInAs(page, /Chef de service/);
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('Tableau de bord');
    await expect.poll(textOf(page.getByTestId('tile-within')), POLL).toMatch(/^0 \/ 0/);
    withinBefore = await textOf(page.getByTestId('tile-within'))();
    await expect.poll(textOf(page.getByRole('table', { name: 'Réaffecter' })), POLL).toContain(trackingNumber);
    await look(page, 'supervisor-1-dashboard');
    expectAccessible(['supervisor-1-dashboard']);
  }, 60_000);

  it('an agent finds the task in the inbox with its time left, claims it and approves it', async () => {
    const page = await open();
    await signInAs(page, /Agent — Youssef/);
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('Tâches');
    const row = page.getByRole('row').filter({ hasText: trackingNumber });
    await expect.poll(textOf(row), POLL).toContain('Dans les délais');
    await look(page, 'agent-1-inbox');
    await row.getByRole('link').first().click();
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toContain('Vérifier la résidence');
    await expect.poll(textOf(page.locator('.timeline')), POLL).toContain('Demande déposée');
    await expect.poll(textOf(page.locator('.documents')), POLL).toContain('cnie.png');
    // The document is saved under its name (fetched with the agent's token), never opened as one of our pages.
    const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Télécharger/ }).click()]);
    expect(saved.suggestedFilename()).toBe('cnie.png');
    await look(page, 'agent-2-task');

    await page.getByRole('button', { name: 'Prendre en charge' }).click();
    await page.getByRole('button', { name: 'Résidence vérifiée : délivrer le certificat' }).waitFor({ state: 'visible' });
    await look(page, 'agent-3-task-claimed');
    await page.getByRole('button', { name: 'Résidence vérifiée : délivrer le certificat' }).click();
    await expect.poll(textOf(page.locator('dl.facts')), POLL).toContain('Acceptée');
    await expect.poll(textOf(page.locator('.timeline')), POLL).toContain('Étape terminée');
    expectAccessible(['agent-1-inbox', 'agent-2-task', 'agent-3-task-claimed']);
  }, 90_000);

  it("the supervisor sees the figure change", async () => {
    const page = supervisorPage;
    await page.getByRole('button', { name: 'Actualiser' }).first().click();
    await expect.poll(textOf(page.getByTestId('tile-within')), POLL).not.toBe(withinBefore);
    await expect.poll(textOf(page.getByTestId('tile-within')), POLL).toMatch(/^1 \/ 1/);
    await expect.poll(textOf(page.getByRole('table', { name: /par agent/ })), POLL).toContain('agent-12');
    await look(page, 'supervisor-2-dashboard-after');
    expectAccessible(['supervisor-2-dashboard-after']);
  }, 60_000);

  it('the citizen sees the decision, in Arabic', async () => {
    const page = citizenPage;
    await page.reload();
    await expect.poll(textOf(page.locator('dd.status')), POLL).toBe('مقبول');
    await look(page, 'citizen-6-decided-ar');
    expectAccessible(['citizen-6-decided-ar']);
  }, 60_000);
});

describe('kiosk', () => {
  it('tracks the application by tracking number and PIN on a large touch screen, and refuses a wrong PIN', async () => {
    const page = await open({ kiosk: true });
    await page.goto('/#/kiosk');
    const track = page.getByRole('link', { name: 'Suivre une demande' });
    const box = (await track.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(64);
    await look(page, 'kiosk-1-home');
    await track.click();
    await page.fill('#track-number', trackingNumber);
    await page.fill('#track-pin', pin === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Suivre la demande' }).click();
    await expect.poll(textOf(page.getByRole('alert')), POLL).toContain('No application matches');
    await page.fill('#track-pin', pin);
    await page.getByRole('button', { name: 'Suivre la demande' }).click();
    await expect.poll(textOf(page.locator('dd.status')), POLL).toBe('Acceptée');
    await look(page, 'kiosk-2-tracked');
    expectAccessible(['kiosk-1-home', 'kiosk-2-tracked']);
  }, 60_000);
});

describe('designer playground', () => {
  it('shows a broken definition’s errors with their pointers, draws the steps and runs the simulator', async () => {
    const page = await open();
    await signInAs(page, /Concepteur/);
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('Atelier des procédures');
    await page.selectOption('#start-from', 'residence-certificate');
    await expect.poll(textOf(page.locator('#definition .cm-content')), POLL).toMatch(/"residence-certificate"/);
    await page.getByRole('img', { name: /Certificat de résidence/ }).waitFor({ state: 'visible' });

    const definition = loadProcedureFolder(loadConfig().proceduresDir).catalogue.get('residence-certificate')!.definition;
    await replaceEditorText(page, JSON.stringify({ ...definition, start: 'nowhere' }, null, 2));
    await page.getByRole('button', { name: 'Valider' }).click();
    const errors = page.getByRole('table', { name: "La définition n'est pas valide" });
    await expect.poll(textOf(errors), POLL).toContain('/start');
    await look(page, 'designer-1-errors');

    await replaceEditorText(page, JSON.stringify(definition, null, 2));
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByText('La définition est valide.').waitFor({ state: 'visible' });
    // The scenario's form is checked against the definition's, as a filing's is.
    const data = { fullName: 'Khadija Amrani', cin: 'FA45678', address: 'Hay Al Qods, Berkane' };
    await page.fill('#scenario', JSON.stringify({ filedAt: '2026-11-23T09:00:00Z', data, events: [{ after: 'P1D', action: 'complete', step: 'review', outcome: 'approve' }] }));
    await page.getByRole('button', { name: 'Lancer la simulation' }).click();
    await expect.poll(textOf(page.getByRole('table', { name: 'Déroulé' })), POLL).toContain('review');
    await expect.poll(textOf(page.locator('.panel')), POLL).toContain('approved');
    // The diagram marks the steps the simulation went through.
    await expect.poll(() => page.locator('svg g.node.visited').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-step'))), POLL).toEqual(['review', 'issued']);
    await look(page, 'designer-2-simulated');
    expectAccessible(['designer-1-errors', 'designer-2-simulated']);
  }, 90_000);
});

describe('a complement request, a reassignment and a withdrawal', () => {
  let tn = '';
  let citizen: Page;
  let agent: Page;

  it('the agent asks the citizen for a document; the clock stops', async () => {
    citizen = await open();
    await signInAs(citizen, /Citoyen/, 'CD789012');
    await citizen.goto('/#/apply/administrative-certificate');
    await citizen.selectOption('#office', 'annex-berkane-1');
    await citizen.fill('#form-fullName', 'Karim Alaoui');
    await citizen.fill('#form-cin', 'CD789012');
    await citizen.selectOption('#form-certificateType', 'single-status');
    await citizen.fill('#form-purpose', 'Dossier de mariage');
    await citizen.fill('#form-address', '5 rue Ibn Sina, Berkane');
    await citizen.getByRole('button', { name: 'Déposer la demande' }).click();
    await expect.poll(textOf(citizen.getByRole('heading', { level: 1 })), POLL).toBe('Votre demande est déposée');
    tn = await textOf(citizen.locator('.receipt .tracking'))();

    agent = await open();
    await signInAs(agent, /Agent — Youssef/);
    await agent.getByRole('row').filter({ hasText: tn }).getByRole('link').first().click();
    await agent.getByRole('button', { name: 'Prendre en charge' }).click();
    await agent.getByText('Demander des pièces au citoyen').click();
    await agent.getByLabel('Copie de la CNIE').check();
    await agent.fill('#ask-note', 'La copie de la CNIE manque.');
    await agent.getByRole('button', { name: 'Envoyer la demande' }).click();
    await expect.poll(textOf(agent.locator('.timeline')), POLL).toContain('Pièces complémentaires demandées');
    await look(agent, 'agent-4-complement-requested');
    expectAccessible(['agent-4-complement-requested']);
  }, 90_000);

  it('the citizen answers with the document from the application page', async () => {
    await citizen.goto(`/#/applications/${tn}`);
    await expect.poll(textOf(citizen.locator('.panel.attention')), POLL).toContain('Le service vous demande des pièces complémentaires');
    await expect.poll(textOf(citizen.locator('.deadline')), POLL).toContain('Délai suspendu');
    await look(citizen, 'citizen-7-complement-asked');
    await citizen.setInputFiles('#complement-cinCopy', { name: 'cnie-karim.png', mimeType: 'image/png', buffer: png });
    await citizen.getByRole('button', { name: 'Envoyer les pièces' }).click();
    await expect.poll(textOf(citizen.locator('.timeline')), POLL).toContain('Pièces complémentaires fournies');
    await citizen.locator('.panel.attention').waitFor({ state: 'detached' });
    await expect.poll(textOf(citizen.locator('.deadline')), POLL).toContain('Reprise du délai');
    expectAccessible(['citizen-7-complement-asked']);
  }, 60_000);

  it('the supervisor hands the task to another agent', async () => {
    const page = supervisorPage;
    await page.getByRole('button', { name: 'Actualiser' }).first().click();
    const row = page.getByRole('row').filter({ hasText: tn });
    await row.getByRole('textbox').fill('agent-7');
    await row.getByRole('button', { name: 'Réaffecter' }).click();
    await expect.poll(textOf(page.getByRole('row').filter({ hasText: tn })), POLL).toContain('agent-7');
    await look(page, 'supervisor-3-reassigned');
    expectAccessible(['supervisor-3-reassigned']);
  }, 60_000);

  it('the citizen withdraws the application', async () => {
    await citizen.reload();
    await citizen.getByRole('button', { name: 'Retirer la demande' }).click();
    await citizen.fill('#withdraw-reason', 'Je déménage.');
    await citizen.getByRole('button', { name: 'Confirmer le retrait' }).click();
    await expect.poll(textOf(citizen.locator('dd.status')), POLL).toBe('Retirée');
    await expect.poll(textOf(citizen.locator('.timeline')), POLL).toContain('Demande retirée');
    await look(citizen, 'citizen-8-withdrawn');
    expectAccessible(['citizen-8-withdrawn']);
  }, 60_000);
});

describe('filing at the kiosk', () => {
  it('a citizen identifies, files a residence certificate, gets the receipt and is signed out when done', async () => {
    const page = await open({ kiosk: true });
    await page.goto('/#/kiosk');
    await page.getByRole('link', { name: 'Demander un certificat' }).click();
    await page.fill('#citizen-id', 'EF345678');
    await page.getByRole('button', { name: /Citoyen/ }).click();
    // Only what the kiosk may file is offered.
    await expect.poll(textOf(page.locator('.cards')), POLL).toContain('Certificat de résidence');
    expect(await page.locator('.cards').textContent()).not.toContain('Permis de construire');
    await look(page, 'kiosk-3-certificates');
    await page.getByRole('link', { name: 'Certificat de résidence' }).click();
    await page.getByRole('link', { name: 'Déposer ma demande' }).click();
    await page.selectOption('#office', 'annex-berkane-1');
    await page.fill('#form-fullName', 'Fatima Zahra Bennani');
    await page.fill('#form-cin', 'EF345678');
    await page.fill('#form-address', '9 avenue Hassan II, Berkane');
    await look(page, 'kiosk-4-form');
    await page.getByRole('button', { name: 'Déposer la demande' }).click();
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('Votre demande est déposée');
    await look(page, 'kiosk-5-receipt');
    await page.getByRole('button', { name: 'Terminer' }).click();
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('Bienvenue à la borne');
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    expectAccessible(['kiosk-3-certificates', 'kiosk-4-form', 'kiosk-5-receipt']);
  }, 90_000);
});

describe('an internal procedure, filed by staff', () => {
  const id = 'staff-promotion-file';
  const label = (en: string, fr: string, ar: string) => ({ ar, fr, en });

  it('the HR officer files it with no citizen and gets a receipt without PIN; forwarded, it names the ministry', async () => {
    await stack.procedures.publish(
      {
        languageVersion: 2,
        id,
        version: 1,
        title: label('Promotion file', 'Dossier de promotion', 'ملف الترقية'),
        description: label('An employee’s promotion file', 'Le dossier de promotion d’un agent', 'ملف ترقية موظف'),
        category: 'human-resources',
        offices: ['annex'],
        roles: ['hr-officer', 'agent', 'supervisor'],
        legalBasis: { law: 'Statut général de la fonction publique', note: 'An internal commitment, no legal deadline.', confirmed: true },
        form: {
          type: 'object',
          required: ['employeeNumber'],
          additionalProperties: false,
          properties: { employeeNumber: { type: 'string', minLength: 3, label: label('Employee number', 'Matricule', 'رقم التأجير') } },
        },
        documents: [],
        fees: [],
        channels: ['internal'],
        filingRoles: ['hr-officer'],
        deadline: { budget: { months: 2 }, startsOn: 'filing', onComplement: 'continue', onExpiry: { action: 'escalate', toRole: 'supervisor', notify: ['supervisor'] } },
        start: 'review',
        steps: {
          review: {
            type: 'userTask',
            role: 'agent',
            title: label('Committee review', 'Examen par la commission', 'دراسة اللجنة'),
            outcomes: { refer: { next: 'referred', label: label('Refer to the ministry', 'Transmettre au ministère', 'إحالة على الوزارة') } },
          },
          referred: { type: 'end', outcome: 'forwarded', forwardedTo: label('the ministry of the interior', 'le ministère de l’Intérieur', 'وزارة الداخلية') },
        },
      },
      'test',
      'api',
    );
    await new StaffDirectory(stack.orm).import([{ id: 'agent-12', officeId: 'annex-berkane-1', role: 'hr-officer', name: 'Youssef Benali' }]);

    const page = await open();
    await signInAs(page, /Agent — Youssef/);
    await page.goto(`/#/guide/${id}`);
    await expect.poll(textOf(page.locator('.notice')), POLL).toBe('Procédure interne : déposée par le personnel du service');
    await page.getByRole('link', { name: 'Déposer ma demande' }).click();
    await page.locator('#form-employeeNumber').waitFor({ state: 'visible' });
    expect(await page.locator('#citizen').count()).toBe(0);
    await page.fill('#form-employeeNumber', 'E-1024');
    await look(page, 'internal-1-form');
    await page.getByRole('button', { name: 'Déposer la demande' }).click();
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('Votre demande est déposée');
    const tn = await textOf(page.locator('.receipt .tracking'))();
    expect(await page.locator('.receipt .tracking').count()).toBe(1);
    expect(await page.locator('.receipt').textContent()).not.toContain('Code PIN');
    await look(page, 'internal-2-receipt');

    await page.goto('/#/inbox');
    await page.getByRole('row').filter({ hasText: tn }).getByRole('link').first().click();
    await expect.poll(textOf(page.locator('dl.facts')), POLL).toContain('Dossier interne, sans citoyen');
    await page.getByRole('button', { name: 'Prendre en charge' }).click();
    await page.getByRole('button', { name: 'Transmettre au ministère' }).click();
    await expect.poll(textOf(page.locator('dl.facts')), POLL).toContain("Transmise à l'autorité compétente");
    await page.goto(`/#/applications/${tn}`);
    await expect.poll(textOf(page.locator('dl.facts')), POLL).toContain('le ministère de l’Intérieur');
    await look(page, 'internal-3-forwarded');
    expectAccessible(['internal-1-form', 'internal-2-receipt', 'internal-3-forwarded']);
  }, 90_000);
});

describe('within the content security policy', () => {
  it('prints the server-rendered receipt with its own stylesheet and script, no inline code', async () => {
    const token = await tokenFor('citizen', 'citizen-csp');
    const filed = await stack.app.inject({
      method: 'POST',
      url: '/applications',
      headers: bearer(token),
      payload: { procedureId: 'residence-certificate', officeId: 'annex-berkane-1', data: { fullName: 'Salma Tazi', cin: 'JK123456', address: '4 rue Al Irfane, Berkane' } },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const page = await open();
    await page.context().setExtraHTTPHeaders(bearer(token));
    // Printing opens no dialog in a test: the page's call is recorded instead.
    await page.addInitScript('window.print = () => { document.body.dataset.printed = "yes"; };');
    await page.goto(`/applications/${filed.json().trackingNumber}/receipt.html`);
    await page.getByRole('button', { name: /Imprimer/ }).click();
    await expect.poll(() => page.evaluate<string | undefined>('document.body.dataset.printed'), POLL).toBe('yes');
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('.number')).borderTopStyle")).toBe('solid');
  });

  it('shows the API documentation', async () => {
    const page = await open();
    await page.goto('/docs');
    await expect.poll(() => page.locator('.opblock').count(), POLL).toBeGreaterThan(10);
  });

  it('no page visited in this file broke its policy', () => {
    expect(policyViolations).toEqual([]);
  });
});
