/**
 * The page that moves running applications to a corrected version, in a real browser (Debian's Chromium
 * through Playwright) on the real stack. Version 2 of a small permit sends every file through an old paper
 * register (`legacyRegistry`); version 3 drops the register and renames the technical review
 * (`technicalReview` becomes `review`). Five applications are open on version 2: one at intake, two at
 * the review, two at the register. An administrator writes the plan in French (a mapping to a step of
 * another kind is refused on its own field), sees the register named as the step whose applications
 * stay, tries the plan (the two at the register cannot move, and why), applies a batch, looks again at
 * those refused, and reads the results in Arabic. A designer tries the plan but is offered no apply
 * button. axe checks every screen; screenshots in test-results/screenshots.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookAccessible, personContext, POLL, signInAs, textOf, watchedPage, watchSecurityPolicy, type PolicyViolation } from './helpers/browser.js';
import { testProcedure, userTask } from './helpers/definitions.js';
import { as, eventually, people, tokenFor, type TestStack } from './helpers/stack.js';
import { openWebStack } from './helpers/web-stack.js';

const PROCEDURE = 'web-corrected-permit';

const built = testProcedure(PROCEDURE, {
  version: 2,
  start: 'intake',
  steps: {
    intake: userTask('agent', { complete: 'technicalReview' }),
    technicalReview: userTask('agent', { approve: 'legacyRegistry', reject: 'refused' }),
    legacyRegistry: userTask('agent', { registered: 'granted' }),
  },
});
// testProcedure's own review task is not part of this procedure (and version 3 gives the name to another).
const { review: _default, ...stepsOf2 } = built.steps;
const version2 = { ...built, steps: stepsOf2 };
const { technicalReview: _review, legacyRegistry: _register, ...kept } = stepsOf2 as Record<string, unknown>;
const version3 = {
  ...version2,
  version: 3,
  steps: { ...kept, intake: userTask('agent', { complete: 'review' }), review: userTask('agent', { approve: 'granted', reject: 'refused' }) },
};

/** The plan the administrator writes in the browser, for the designer's test to find by posting it again. */
const PLAN = { steps: { technicalReview: 'review' }, deadlines: { serviceLevels: 'recompute' }, note: 'Le registre papier est supprimé ; la revue technique est renommée.' };

let stack: TestStack;
let browser: Browser;
let baseURL: string;
let office: Awaited<ReturnType<typeof people>>;
const contexts: BrowserContext[] = [];
const policyViolations: PolicyViolation[] = [];
const filed: Array<{ trackingNumber: string; at: 'intake' | 'technicalReview' | 'legacyRegistry' }> = [];

interface Task {
  id: string;
  stepId: string;
  status: string;
}

async function openTask(trackingNumber: string, stepId: string): Promise<Task> {
  return eventually(async () => {
    const tasks = (await office.agent({ method: 'GET', url: `/applications/${trackingNumber}` })).json().tasks as Task[];
    return tasks.find((t) => (t.status === 'open' || t.status === 'claimed') && t.stepId === stepId);
  });
}

async function complete(trackingNumber: string, stepId: string, outcome: string): Promise<void> {
  const task = await openTask(trackingNumber, stepId);
  const res = await office.agent({ method: 'POST', url: `/tasks/${task.id}/complete`, payload: { outcome } });
  expect(res.statusCode, res.body).toBe(200);
}

/** An application filed on version 2 and taken to `at`, where its task is open. */
async function fileAt(at: (typeof filed)[number]['at']): Promise<void> {
  const res = await office.citizen({ method: 'POST', url: '/applications', payload: { procedureId: PROCEDURE, officeId: office.office, data: {} } });
  expect(res.statusCode, res.body).toBe(201);
  const trackingNumber = res.json().trackingNumber as string;
  if (at !== 'intake') await complete(trackingNumber, 'intake', 'complete');
  if (at === 'legacyRegistry') await complete(trackingNumber, 'technicalReview', 'approve');
  await openTask(trackingNumber, at);
  filed.push({ trackingNumber, at });
}

const trackingNumbers = (at: (typeof filed)[number]['at'][]) => filed.filter((f) => at.includes(f.at)).map((f) => f.trackingNumber).sort();

beforeAll(async () => {
  ({ stack, browser, baseURL } = await openWebStack());
  office = await people(stack, `annex-web-migration-${stack.id}`);
  await stack.procedures.publish(version2, 'test', 'api');
  for (const at of ['intake', 'technicalReview', 'technicalReview', 'legacyRegistry', 'legacyRegistry'] as const) await fileAt(at);
  await stack.procedures.publish(version3, 'test', 'api');
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.close();
});

async function open(token?: string): Promise<Page> {
  const context = await personContext(browser, baseURL);
  contexts.push(context);
  await watchSecurityPolicy(context, policyViolations);
  // No demonstration persona is an administrator: the session is set as sign-in sets it.
  return watchedPage(context, token);
}


/** Text as read, whatever spaces the typography put in (French quotes hold non-breaking ones). */
const words = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();
const textIn = (page: Page, selector: string) => async () => words(await page.locator(selector).first().textContent());
const rowsOf = (page: Page, table: string) => async () => (await page.locator(`${table} tbody tr`).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-tracking') ?? ''))).sort();

const staysAtRegister = 'l’étape « legacyRegistry » n’existe pas dans la version 3 et le plan ne l’associe à aucune';

describe('moving running applications to a corrected version, in the browser', () => {
  it('an administrator writes the plan, sees where applications stay, tries it, applies a batch and looks again at those refused', async () => {
    const page = await open(await tokenFor('admin', 'admin-web-migrations'));
    await page.goto('/#/migrations');
    await page.getByRole('button', { name: 'Français' }).click();
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('Transférer les demandes en cours vers une version corrigée');
    expect(await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Transfert de demandes' }).getAttribute('aria-current')).toBe('page');

    await page.locator('#migration-procedure').selectOption(PROCEDURE);
    await expect.poll(textOf(page.getByText('Aucun plan pour l’instant.')), POLL).not.toBe('');
    // From the version before the latest to the latest; one row for each step version 3 no longer has.
    await expect.poll(() => page.locator('.map-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-step'))), POLL).toEqual(['technicalReview', 'legacyRegistry']);
    expect(await page.locator('#migration-from').inputValue()).toBe('2');
    expect(await page.locator('#migration-to').inputValue()).toBe('3');
    const mapping = (step: string) => page.locator(`.map-row[data-step="${step}"] select[name="to"]`);
    const save = page.getByRole('button', { name: 'Enregistrer le plan' });
    const posted = () => page.waitForResponse((r) => r.url().endsWith(`/procedures/${PROCEDURE}/migrations`) && r.request().method() === 'POST');

    // The register mapped to the end step: refused, and said on that row's field.
    await mapping('technicalReview').selectOption('review');
    await mapping('legacyRegistry').selectOption('granted');
    const [refused] = await Promise.all([posted(), save.click()]);
    expect(refused.status()).toBe(400);
    await expect
      .poll(textIn(page, '.map-row[data-step="legacyRegistry"] .field-error'), POLL)
      .toBe('l’étape « legacyRegistry » est de type « userTask » et l’étape « granted » de la version 3 de type « end »');
    expect(await mapping('legacyRegistry').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.map-row[data-step="technicalReview"] .field-error').count()).toBe(0);
    expect(words(await page.locator('form .problem').textContent())).toContain('Étape de la version 2 : legacyRegistry');
    await lookAccessible(page, 'migrations-1-mapping-refused-fr');

    // Left without a step, the register is where applications stay; service levels counted again.
    await mapping('legacyRegistry').selectOption('');
    await page.locator('#service-levels-recompute').check();
    await page.locator('#migration-note').fill(PLAN.note);
    const [created] = await Promise.all([posted(), save.click()]);
    expect(created.status(), await created.text()).toBe(201);
    const planId = (await created.json()).id as string;
    expect((await created.request().postDataJSON()).plan).toEqual(PLAN);
    await expect.poll(textIn(page, '.plan-saved .stays li[data-step="legacyRegistry"]'), POLL).toBe(`legacyRegistry — ${staysAtRegister}`);
    expect(await page.locator('.plan-saved .stays li').count()).toBe(1);
    await expect.poll(() => page.locator(`.migration-plans tr[data-plan="${planId}"]`).count(), POLL).toBe(1);
    await lookAccessible(page, 'migrations-2-plan-saved-fr');

    await page.getByRole('link', { name: 'Ouvrir le plan pour l’essayer et l’appliquer' }).click();
    await expect.poll(textOf(page.getByRole('heading', { level: 2 }).first()), POLL).toBe(`Plan ${planId}`);
    expect(await textIn(page, '.plan-facts .remaining')()).toBe('5');
    expect(await page.locator('.plan-facts').textContent()).toContain('Recalculer');

    // The dry run: the three before the register would move, the two at it cannot; nothing moves.
    await page.getByRole('button', { name: 'Essayer' }).click();
    await expect.poll(textIn(page, '.dry-run [role="status"]'), POLL).toBe('Seraient transférées : 3 · Ne peuvent pas être transférées : 2');
    expect(await rowsOf(page, 'table.movable')()).toEqual(trackingNumbers(['intake', 'technicalReview']));
    expect(await rowsOf(page, 'table.unmovable')()).toEqual(trackingNumbers(['legacyRegistry']));
    for (const trackingNumber of trackingNumbers(['legacyRegistry'])) {
      expect(words(await page.locator(`table.unmovable tr[data-tracking="${trackingNumber}"] ul.reasons`).textContent())).toBe(`elle est à l’étape « legacyRegistry » : ${staysAtRegister}`);
    }
    for (const trackingNumber of trackingNumbers(['technicalReview'])) {
      expect(words(await page.locator(`table.movable tr[data-tracking="${trackingNumber}"] td:last-child`).textContent())).toBe('technicalReview →devient review');
    }
    expect(await textIn(page, '.plan-facts .remaining')()).toBe('5');
    await lookAccessible(page, 'migrations-3-dry-run-fr');

    // A batch larger than what is left: three moved, two refused with their reason, none left.
    await page.locator('#batch-size').fill('10');
    const applied = () => page.waitForResponse((r) => r.url().endsWith(`/migrations/${planId}/apply`));
    const [batch] = await Promise.all([applied(), page.getByRole('button', { name: 'Appliquer au lot suivant' }).click()]);
    expect(batch.status(), await batch.text()).toBe(200);
    expect(await batch.request().postDataJSON()).toEqual({ batchSize: 10, retryRefused: false });
    await expect.poll(textIn(page, '.apply-batch [role="status"]'), POLL).toBe('Lot traité. Transférée : 3 · Refusée : 2 — Demandes restant à examiner : 0');
    const results = () => page.locator('table.batch-results tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-tracking'), r.getAttribute('data-result')]));
    expect(Object.fromEntries(await results())).toEqual(Object.fromEntries(filed.map((f) => [f.trackingNumber, f.at === 'legacyRegistry' ? 'refused' : 'moved'])));
    for (const trackingNumber of trackingNumbers(['legacyRegistry'])) {
      expect(words(await page.locator(`table.batch-results tr[data-tracking="${trackingNumber}"] td:last-child`).textContent())).toBe(`elle est à l’étape « legacyRegistry » : ${staysAtRegister}`);
    }
    await expect.poll(textIn(page, '.plan-facts .remaining'), POLL).toBe('0');
    await expect.poll(textIn(page, '.past-results summary'), POLL).toBe('Transférée : 3 · Refusée : 2');
    await lookAccessible(page, 'migrations-4-batch-applied-fr');

    // Those refused, looked at again: still at the register, still refused; nothing moved twice.
    await page.locator('#retry-refused').check();
    const [again] = await Promise.all([applied(), page.getByRole('button', { name: 'Appliquer au lot suivant' }).click()]);
    expect(await again.request().postDataJSON()).toEqual({ batchSize: 10, retryRefused: true });
    await expect.poll(textIn(page, '.apply-batch [role="status"]'), POLL).toBe('Lot traité. Refusée : 2 — Demandes restant à examiner : 0');
    expect((await results()).map(([tn]) => tn).sort()).toEqual(trackingNumbers(['legacyRegistry']));

    // The same results in Arabic, right to left.
    await page.getByRole('button', { name: 'العربية' }).click();
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('نقل الطلبات الجارية إلى صيغة مصححة من المسطرة');
    expect(await page.evaluate<string>('document.documentElement.dir')).toBe('rtl');
    expect(await textIn(page, '.apply-batch [role="status"]')()).toBe('تمت معالجة الدفعة. رفض: 2 — طلبات لم تفحص بعد: 0');
    const reason = words(await page.locator('table.batch-results tbody tr ul.reasons').first().textContent()).replace(/[\u2068\u2069]/g, '');
    expect(reason).toBe('الطلب في المرحلة «legacyRegistry»: المرحلة «legacyRegistry» غير موجودة في الصيغة 3 والمخطط لا يربطها بأي مرحلة');
    await lookAccessible(page, 'migrations-5-batch-applied-ar');

    // Each application moved runs on version 3 now; those at the register stay on version 2.
    for (const { trackingNumber, at } of filed) {
      await eventually(async () => ((await office.agent({ method: 'GET', url: `/applications/${trackingNumber}` })).json().procedure.version === (at === 'legacyRegistry' ? 2 : 3) ? true : undefined));
    }
    expect(policyViolations).toEqual([]);
  }, 180_000);

  it('a designer tries the plan but is offered no apply button', async () => {
    const designer = as(stack, await tokenFor('designer', 'designer-1'));
    const posted = await designer({ method: 'POST', url: `/procedures/${PROCEDURE}/migrations`, payload: { fromVersion: 2, toVersion: 3, plan: PLAN } });
    expect([200, 201], posted.body).toContain(posted.statusCode);
    const planId = posted.json().id as string;

    const page = await open();
    await signInAs(page, /Concepteur/);
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Transfert de demandes' }).click();
    await page.locator('#migration-procedure').selectOption(PROCEDURE);
    await page.getByRole('link', { name: `Ouvrir le plan ${planId}` }).click();
    await expect.poll(textOf(page.getByRole('heading', { level: 2 }).first()), POLL).toBe(`Plan ${planId}`);
    expect(words(await page.locator('.stays li').textContent())).toBe(`legacyRegistry — ${staysAtRegister}`);

    await page.getByRole('button', { name: 'Essayer' }).click();
    await expect.poll(() => rowsOf(page, 'table.unmovable')(), POLL).toEqual(trackingNumbers(['legacyRegistry']));
    expect(await page.getByRole('button', { name: 'Appliquer au lot suivant' }).count()).toBe(0);
    expect(await page.locator('#batch-size').count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Appliquer au lot suivant' }).count()).toBe(0);
    await lookAccessible(page, 'migrations-6-designer-fr');
    expect(policyViolations).toEqual([]);
  }, 120_000);
});
