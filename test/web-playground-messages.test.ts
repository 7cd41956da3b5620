/**
 * The designer's preview of a definition's own messages in a real browser (Debian's Chromium through
 * Playwright) on the real API: the dispute file's message in Arabic with sample values, then the
 * checker's words, not a broken page, once a French text is no ICU message.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../infra/config.js';
import { loadProcedureFolder } from '../registry/catalogue.js';
import { SAMPLE_TRACKING_NUMBER } from '../registry/message-preview.js';
import { personContext, POLL, replaceEditorText, screenshot, seriousViolations, signInAs, textOf, watchedPage } from './helpers/browser.js';
import { type TestStack } from './helpers/stack.js';
import { openWebStack } from './helpers/web-stack.js';

let stack: TestStack;
let browser: Browser;
let baseURL: string;

beforeAll(async () => {
  ({ stack, browser, baseURL } = await openWebStack({ worker: false }));
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("the playground's preview of a procedure's messages", () => {
  it('shows each message in the language chosen with sample values, and the checker’s words for a text it refuses', async () => {
    const dispute = loadProcedureFolder(loadConfig().proceduresDir).catalogue.get('dispute-file')!.definition;
    const [name, message] = Object.entries(dispute.messages!)[0]!;
    const context = await personContext(browser, baseURL);
    const page: Page = await watchedPage(context);
    await signInAs(page, /Concepteur/);
    await page.selectOption('#start-from', 'dispute-file');
    await expect.poll(textOf(page.locator('#definition .cm-content')), POLL).toMatch(/"dispute-file"/);

    await page.selectOption('#messages-language', 'ar');
    await page.getByRole('button', { name: 'Voir les messages' }).click();
    const previews = page.locator('.message-previews');
    await expect.poll(textOf(previews.locator('.message-subject')), POLL).toBe(`${message.title.ar} – ${SAMPLE_TRACKING_NUMBER}`);
    const text = await textOf(previews.locator('.message-text'))();
    expect(text).toContain(SAMPLE_TRACKING_NUMBER);
    expect(text).toContain(dispute.title.ar);
    expect(text).not.toMatch(/[{}]/);
    expect(await previews.locator('[lang="ar"]').getAttribute('dir')).toBe('rtl');
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'designer-messages-ar');
    expect(await seriousViolations(page)).toEqual([]);

    // The preview follows the text as the designer edits it, without pressing the button again.
    const reworded = structuredClone(dispute);
    reworded.messages![name]!.title.ar = 'عنوان جديد';
    await replaceEditorText(page, JSON.stringify(reworded, null, 2));
    await expect.poll(textOf(previews.locator('.message-subject')), POLL).toBe(`عنوان جديد – ${SAMPLE_TRACKING_NUMBER}`);

    const broken = structuredClone(dispute);
    broken.messages![name]!.text.fr = 'Dossier {trackingNumber ({procedure})';
    await replaceEditorText(page, JSON.stringify(broken, null, 2));
    await page.selectOption('#messages-language', 'fr');
    await expect.poll(textOf(previews.locator('.message-problems')), POLL).toContain(`/messages/${name}/text/fr`);
    expect(await textOf(previews.locator('.message-problems'))()).toMatch(/not an ICU message at character \d+/);
    expect(await previews.locator('.message-text').count()).toBe(0);
    // The same draft still reads in English: only the French text is refused.
    await page.selectOption('#messages-language', 'en');
    await expect.poll(textOf(previews.locator('.message-subject')), POLL).toBe(`${message.title.en} – ${SAMPLE_TRACKING_NUMBER}`);
    await page.selectOption('#messages-language', 'fr');
    await expect.poll(() => previews.locator('.message-text').count(), POLL).toBe(0);
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'designer-messages-refused');
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  }, 90_000);
});
