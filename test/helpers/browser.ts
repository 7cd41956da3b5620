/**
 * A real browser for the web tests: Debian's Chromium driven by Playwright (the browser is never
 * downloaded), each person in their own context, with screenshots kept and an accessibility check.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { PROJECT_ROOT } from '../../infra/config.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.join(PROJECT_ROOT, 'test-results', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: npm test installs Debian's chromium package (scripts/lib.sh ensure_chromium).`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // This machine's network is closed: without these, Chromium keeps trying to reach Google's services.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A person's own browser context: their own session storage, language and screen. */
export async function personContext(browser: Browser, baseURL: string, options: { phone?: boolean; kiosk?: boolean } = {}): Promise<BrowserContext> {
  const viewport = options.phone ? { width: 390, height: 844 } : options.kiosk ? { width: 1080, height: 1920 } : { width: 1280, height: 900 };
  const context = await browser.newContext({ baseURL, viewport, hasTouch: Boolean(options.phone || options.kiosk), locale: 'fr-MA', timezoneId: 'Africa/Casablanca' });
  context.setDefaultTimeout(20_000);
  return context;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * A new page in the context that fails the test on any error the page throws, signed in with `token` when
 * given (set in session storage as sign-in sets it, for people no demonstration persona stands for).
 */
export async function watchedPage(context: BrowserContext, token?: string): Promise<Page> {
  if (token) await context.addInitScript(`sessionStorage.setItem('mohla.session', ${JSON.stringify(token)})`);
  const page = await context.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  return page;
}

/** Once the page is quiet: its screenshot saved, and no serious accessibility violation on it. */
export async function lookAccessible(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await screenshot(page, name);
  expect(await seriousViolations(page), name).toEqual([]);
}

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's serious and critical violations on the page as it is now (none is the goal). */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  // Evaluated in the page (as text: the page's DOM types are not the test's). Not added as a script tag:
  // Mohla's content security policy refuses inline scripts, and the browser's tooling is not subject to it.
  if (!(await page.evaluate<boolean>("'axe' in window"))) await page.evaluate(axe.source);
  const options = { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } };
  const results = await page.evaluate<Violation[]>(
    `axe.run(document, ${JSON.stringify(options)}).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  );
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export interface PolicyViolation {
  page: string;
  directive: string;
  blocked: string;
  sample: string;
}

/**
 * Collects every Content-Security-Policy violation in the context's pages (the browser's own report, as
 * the page sees it), so a test can require that Mohla's pages live within their policy.
 */
export async function watchSecurityPolicy(context: BrowserContext, into: PolicyViolation[]): Promise<void> {
  await context.exposeBinding('mohlaPolicyViolation', (_source, violation: PolicyViolation) => {
    into.push(violation);
  });
  await context.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => window.mohlaPolicyViolation({ page: location.href, directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }));",
  );
}

/**
 * Replaces the text of the playground's code editor as a designer pasting would: the editor's own
 * select-all (the page holds only the lines in view, so selecting the page's text would not take them
 * all), then the text.
 */
export async function replaceEditorText(page: Page, text: string): Promise<void> {
  await page.locator('#definition .cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/** What a locator shows, for `expect.poll` (the page updates after the API answers). */
export const textOf = (locator: Locator) => async () => ((await locator.first().textContent()) ?? '').trim();

export const POLL = { timeout: 20_000, interval: 100 };

/** Signs in as one of the development sign-in's people (a citizen with the given id, when asked). */
export async function signInAs(page: Page, persona: RegExp, citizenId?: string): Promise<void> {
  await page.goto('/#/sign-in');
  if (citizenId) await page.fill('#citizen-id', citizenId);
  await page.getByRole('button', { name: persona }).click();
  // Signed in once the portal has moved on to the person's home page. Read from outside the page: a
  // waitForFunction string is evaluated inside it, which the content security policy rightly refuses.
  await expect.poll(() => page.evaluate<string>('location.hash'), POLL).not.toMatch(/^#\/sign-in/);
}
