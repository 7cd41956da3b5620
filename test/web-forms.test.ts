/**
 * The citizen's form in a real browser (Debian's Chromium through Playwright) on the real stack, on a
 * narrow phone (360 px) in Arabic, French and English: no page is wider than the screen, the error summary
 * names fields by their labels and links to them, the file picker speaks the page's language, and a field
 * a form asks for only under a condition appears, becomes required and is checked in the browser with the
 * same schema the server uses. Then a supervisor selects three tasks in the inbox with the keyboard and
 * reassigns them at once, seeing each task's result.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLL, screenshot, seriousViolations, signInAs, textOf, watchedPage, watchSecurityPolicy, type PolicyViolation } from './helpers/browser.js';
import { testProcedure, text } from './helpers/definitions.js';
import { as, tokenFor, type TestStack } from './helpers/stack.js';
import { openWebStack } from './helpers/web-stack.js';

const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const LANGUAGE_BUTTONS = { ar: 'العربية', fr: 'Français', en: 'English' } as const;

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let baseURL: string;
let page: Page;
const policyViolations: PolicyViolation[] = [];

beforeAll(async () => {
  ({ stack, browser, baseURL } = await openWebStack());
  context = await browser.newContext({ baseURL, viewport: { width: 360, height: 740 }, hasTouch: true, locale: 'en-US', timezoneId: 'Africa/Casablanca' });
  context.setDefaultTimeout(20_000);
  await watchSecurityPolicy(context, policyViolations);
  page = await watchedPage(context);
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await stack?.close();
});

/** The elements that stick out of the screen, for a failure message that says where to look. */
const overflowing = () =>
  page.evaluate<string[]>(
    `[...document.querySelectorAll('body *')].filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < -0.5 || r.right > innerWidth + 0.5); }).map((e) => e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)`,
  );

/** The page fits the phone's width: nothing to scroll sideways to, either side. */
async function expectNoSidewaysScroll(name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await screenshot(page, name);
  const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, innerWidth]');
  expect(scrollWidth <= innerWidth, `${name}: ${scrollWidth} > ${innerWidth}; sticking out: ${(await overflowing()).join(', ')}`).toBe(true);
  // In right-to-left, what is cut off on the left may not widen the document: each element is checked too.
  expect(await overflowing(), name).toEqual([]);
  expect(await seriousViolations(page), name).toEqual([]);
}

async function speak(lang: keyof typeof LANGUAGE_BUTTONS): Promise<void> {
  await page.getByRole('button', { name: LANGUAGE_BUTTONS[lang] }).click();
  await expect.poll(() => page.evaluate<string>('document.documentElement.lang'), POLL).toBe(lang);
}

let trackingNumber = '';

describe('the citizen on a 360 px phone', () => {
  it('files in Arabic: the error summary lists labels linking to their fields, the file picker speaks Arabic', async () => {
    await page.goto('/#/sign-in');
    await speak('ar');
    await page.fill('#citizen-id', 'KL345678');
    await page.getByRole('button', { name: /مواطن/ }).click();
    await expect.poll(() => page.evaluate<string>('location.hash'), POLL).not.toMatch(/^#\/sign-in/);
    await page.goto('/#/apply/residence-certificate');
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toContain('شهادة السكنى');
    // The browser's own "Choose file" would be in English here (the browser's locale): the page's words are shown.
    await expect.poll(textOf(page.locator('label[for="doc-cinCopy"].file-button')), POLL).toBe('اختيار ملف');
    await expect.poll(textOf(page.locator('#doc-cinCopy-chosen')), POLL).toBe('لم يتم اختيار أي ملف');

    await page.getByRole('button', { name: 'إيداع الطلب' }).click();
    const summary = page.locator('.problem[role="alert"]');
    await expect.poll(textOf(summary), POLL).toContain('الاسم الشخصي والعائلي');
    const entries = await summary.locator('li').allTextContents();
    expect(entries.join('\n')).not.toContain('/data/');
    expect(entries.join('\n')).not.toContain('/officeId');
    // Each entry is a link that takes the keyboard to its field.
    await summary.getByRole('link', { name: 'الاسم الشخصي والعائلي' }).click();
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('form-fullName');
    await expectNoSidewaysScroll('phone-1-form-errors-ar');

    await page.selectOption('#office', 'annex-berkane-1');
    await page.fill('#form-fullName', 'أمينة الإدريسي');
    await page.fill('#form-cin', 'KL345678');
    await page.fill('#form-address', 'حي السلام، زنقة 4، بركان');
    await page.setInputFiles('#doc-cinCopy', { name: 'cnie-of-a-rather-long-name-for-a-narrow-screen.png', mimeType: 'image/png', buffer: png });
    await expect.poll(textOf(page.locator('#doc-cinCopy-chosen')), POLL).toBe('cnie-of-a-rather-long-name-for-a-narrow-screen.png');
    // Still reached by the keyboard: the hidden input takes the focus, and its name is the document's.
    await page.focus('#doc-cinCopy');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('doc-cinCopy');
    await page.getByRole('button', { name: 'إيداع الطلب' }).click();
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('تم إيداع طلبك');
    trackingNumber = (await page.locator('.receipt .tracking').first().textContent())!.trim();
    await expectNoSidewaysScroll('phone-2-receipt-ar');
  }, 120_000);

  for (const lang of ['ar', 'fr', 'en'] as const) {
    it(`in ${lang}: the form, the receipt and the application page fit the screen`, async () => {
      await page.goto('/#/apply/residence-certificate');
      await speak(lang);
      await page.locator('#form-fullName').waitFor();
      await page.locator('button.primary.big').click();
      await page.locator('.problem[role="alert"] li').first().waitFor();
      await expectNoSidewaysScroll(`phone-3-form-${lang}`);

      await page.goto(`/#/applications/${trackingNumber}/receipt`);
      await page.locator('.receipt .tracking').first().waitFor();
      await expectNoSidewaysScroll(`phone-4-receipt-${lang}`);

      await page.goto(`/#/applications/${trackingNumber}`);
      await expect.poll(textOf(page.locator('.documents')), POLL).toContain('cnie-of-a-rather-long-name');
      await expectNoSidewaysScroll(`phone-5-application-${lang}`);
    }, 90_000);
  }

});

describe('a form that follows its schema, in Arabic', () => {
  it('shows the field a condition asks for, requires it in the browser with the Arabic message, and drops it when the condition no longer holds; the server refuses the same', async () => {
    const filings: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/applications') filings.push(r.url());
    });
    await page.goto('/#/apply/administrative-certificate');
    await speak('ar');
    await page.locator('#form-certificateType').waitFor();
    // "Situation to be certified" is asked only for another kind of certificate.
    expect(await page.locator('#form-otherType').count()).toBe(0);
    await page.selectOption('#office', 'annex-berkane-1');
    await page.fill('#form-fullName', 'أمينة الإدريسي');
    await page.fill('#form-cin', 'KL345678');
    await page.fill('#form-purpose', 'مؤسسة بنكية');
    await page.fill('#form-address', 'حي السلام، زنقة 4، بركان');
    await page.selectOption('#form-certificateType', 'other');
    await page.locator('#form-otherType').waitFor();
    expect(await page.locator('#form-otherType').getAttribute('aria-required')).toBe('true');
    await expect.poll(textOf(page.locator('label[for="form-otherType"]')), POLL).toContain('الوضعية المراد إثباتها');

    await page.getByRole('button', { name: 'إيداع الطلب' }).click();
    await expect.poll(textOf(page.locator('#form-otherType-error')), POLL).toBe('هذه الخانة إلزامية');
    await expect.poll(textOf(page.locator('.problem[role="alert"]')), POLL).toContain('الوضعية المراد إثباتها');
    // Refused in the browser: nothing was sent.
    expect(filings).toEqual([]);
    await expectNoSidewaysScroll('phone-6-conditional-field-required-ar');

    // The server, checking the same schema, refuses the same form for the same field.
    const citizen = as(stack, await tokenFor('citizen', 'KL345678'));
    const refused = await citizen({
      method: 'POST',
      url: '/applications',
      payload: { procedureId: 'administrative-certificate', officeId: 'annex-berkane-1', data: { fullName: 'Amina Idrissi', cin: 'KL345678', purpose: 'A bank', address: 'Hay Salam, rue 4, Berkane', certificateType: 'other' } },
    });
    expect(refused.statusCode).toBe(400);
    expect((refused.json().errors as Array<{ pointer: string }>).map((e) => e.pointer)).toContain('/data/otherType');

    // Typed, then no longer asked: the field goes, and so does what it held.
    await page.fill('#form-otherType', 'x');
    await expect.poll(textOf(page.locator('#form-otherType-error')), POLL).toMatch(/^قصير جدا، الحد الأدنى 3/);
    await page.selectOption('#form-certificateType', 'income');
    await page.locator('#form-otherType').waitFor({ state: 'detached' });
    await page.locator('.problem[role="alert"]').waitFor({ state: 'detached' });
    await page.selectOption('#form-certificateType', 'other');
    expect(await page.locator('#form-otherType').inputValue()).toBe('');
    await page.fill('#form-otherType', 'شهادة الإقامة بالخارج');
    await page.locator('.problem[role="alert"]').waitFor({ state: 'detached' });
    expect(filings).toEqual([]);
  }, 120_000);


  it('follows else branches, dependentRequired, enum labels and dates as the schema says, in French', async () => {
    await stack.procedures.publish(
      testProcedure('form-rules', {
        form: {
          type: 'object',
          additionalProperties: false,
          required: ['visitDate'],
          properties: {
            applicantKind: { type: 'string', enum: ['person', 'company'], label: text('Applicant'), enumLabels: { person: text('An individual'), company: text('A company') } },
            cin: { type: 'string', pattern: '^[A-Z]{1,2}[0-9]{1,6}$', label: text('Identity card') },
            companyName: { type: 'string', minLength: 2, label: text('Company name') },
            visitDate: { type: 'string', format: 'date', label: text('Visit date') },
            phone: { type: 'string', label: text('Phone') },
            contactHours: { type: 'string', label: text('Contact hours') },
          },
          if: { properties: { applicantKind: { const: 'company' } }, required: ['applicantKind'] },
          then: { required: ['companyName'] },
          else: { required: ['cin'] },
          dependentRequired: { phone: ['contactHours'] },
        },
      }),
      'test',
      'api',
    );
    await page.goto('/#/apply/form-rules');
    await speak('fr');
    await page.locator('#form-applicantKind').waitFor();
    // Not a company (yet): the else branch asks for the identity card, and not for the company's name.
    expect(await page.locator('#form-cin').getAttribute('aria-required')).toBe('true');
    expect(await page.locator('#form-companyName').count()).toBe(0);
    expect(await page.locator('#form-visitDate').getAttribute('type')).toBe('date');
    expect(await page.locator('#form-applicantKind option[value="company"]').textContent()).toBe('f A company');
    expect(await page.locator('#form-contactHours').getAttribute('aria-required')).toBeNull();

    await page.selectOption('#form-applicantKind', 'company');
    await page.locator('#form-companyName').waitFor();
    expect(await page.locator('#form-companyName').getAttribute('aria-required')).toBe('true');
    expect(await page.locator('#form-cin').count()).toBe(0);
    await page.fill('#form-phone', '+212600000000');
    await expect.poll(() => page.locator('#form-contactHours').getAttribute('aria-required'), POLL).toBe('true');

    await page.locator('button.primary.big').click();
    await expect.poll(textOf(page.locator('#form-companyName-error')), POLL).toBe('Ce champ est obligatoire');
    await expect.poll(textOf(page.locator('#form-contactHours-error')), POLL).toBe('Ce champ est obligatoire');
    await expect.poll(textOf(page.locator('#form-visitDate-error')), POLL).toBe('Ce champ est obligatoire');
    const summary = await page.locator('.problem[role="alert"] li').allTextContents();
    expect(summary.map((x) => x.split(' — ')[0])).toEqual(expect.arrayContaining(['f Company name', 'f Contact hours', 'f Visit date', 'Bureau']));
    // The phone taken back: the hours are no longer required, and their problem goes with it.
    await page.fill('#form-phone', '');
    await page.locator('#form-contactHours-error').waitFor({ state: 'detached' });
    expect(await page.locator('#form-contactHours').getAttribute('aria-required')).toBeNull();
    await expectNoSidewaysScroll('phone-7-form-rules-fr');
  }, 120_000);
});

describe("a supervisor's bulk work in the inbox", () => {
  it('selects three tasks with the keyboard and reassigns them at once; each task says it was done', async () => {
    const citizen = as(stack, await tokenFor('citizen', 'MN556677'));
    const filed: string[] = [];
    for (const name of ['Karim Alaoui', 'Nadia Berrada', 'Said Tazi']) {
      const res = await citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: 'annex-berkane-1', data: { fullName: name, cin: 'MN556677', address: 'Hay Salam, rue 4, Berkane' } } });
      expect(res.statusCode, res.body).toBe(201);
      filed.push(res.json().trackingNumber as string);
    }
    const desk = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 }, locale: 'fr-MA', timezoneId: 'Africa/Casablanca' });
    desk.setDefaultTimeout(20_000);
    await watchSecurityPolicy(desk, policyViolations);
    const supervisor = await desk.newPage();
    try {
      await signInAs(supervisor, /Chef de service/);
      // A filter kept for later, in this browser, for this supervisor: it comes back from the saved list.
      await supervisor.goto('/#/inbox?procedureId=residence-certificate&status=open');
      await supervisor.getByText('Filtres enregistrés').click();
      await supervisor.fill('#filter-name', 'Résidence, ouvertes');
      await supervisor.getByRole('button', { name: 'Enregistrer ces filtres' }).click();
      // Coming back later (the page loaded anew): the saved filter is still there.
      await supervisor.goto('/#/inbox');
      await supervisor.reload();
      await supervisor.getByText('Filtres enregistrés').click();
      await supervisor.getByRole('link', { name: 'Résidence, ouvertes' }).click();
      await expect.poll(() => supervisor.evaluate<string>('location.hash'), POLL).toBe('#/inbox?procedureId=residence-certificate&status=open');
      for (const tn of filed) await supervisor.getByRole('checkbox', { name: `Sélectionner la tâche ${tn}` }).waitFor();
      // The keyboard alone: ↓ moves from row to row, Space selects; the three filed here are chosen.
      const rows = await Promise.all((await supervisor.locator('tbody input.pick').all()).map(async (input) => (await input.getAttribute('value')) ?? ''));
      await supervisor.locator('tbody input.pick').first().focus();
      for (let i = 0; i < rows.length; i++) {
        if (filed.some((tn) => rows[i]!.startsWith(`${tn}.`))) await supervisor.keyboard.press('Space');
        if (i < rows.length - 1) await supervisor.keyboard.press('ArrowDown');
      }
      await expect.poll(textOf(supervisor.locator('.selected-count')), POLL).toBe('3');
      await supervisor.fill('#bulk-agent', 'agent-12');
      await supervisor.waitForLoadState('networkidle');
      await screenshot(supervisor, 'inbox-bulk-1-selected');
      expect(await seriousViolations(supervisor)).toEqual([]);
      await supervisor.getByRole('button', { name: 'Réattribuer la sélection' }).click();
      const results = supervisor.locator('.bulk-results li');
      await expect.poll(() => results.count(), POLL).toBe(3);
      expect((await results.allTextContents()).map((x) => x.trim())).toEqual(expect.arrayContaining(filed.map((tn) => `${tn} — Fait`)));
      await supervisor.waitForLoadState('networkidle');
      await screenshot(supervisor, 'inbox-bulk-2-reassigned');
      expect(await seriousViolations(supervisor)).toEqual([]);
    } finally {
      await desk.close();
    }
    // The API shows each of the three in agent-12's hands.
    const agent = as(stack, await tokenFor('agent', 'agent-12', ['annex-berkane-1']));
    for (const tn of filed) {
      const tasks = (await agent({ method: 'GET', url: `/applications/${tn}` })).json().tasks as Array<{ stepId: string; assignee: string | null; status: string }>;
      expect(tasks.find((x) => x.stepId === 'review')).toMatchObject({ status: 'claimed', assignee: 'agent-12' });
    }
  }, 120_000);

  it('broke no rule of the content security policy', () => {
    expect(policyViolations).toEqual([]);
  });
});
