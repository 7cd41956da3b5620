/**
 * The incidents page in a real browser on the real stack: an administrator sees a provoked
 * non-determinism (a bad deploy) and a failing service task (its registry answering 503), in French and
 * Arabic; once both are fixed, "retry now" makes each leave the open list. Screenshots in
 * test-results/screenshots, axe on every state.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIST } from '../api/web.js';
import { launchBrowser, lookAccessible, personContext, POLL, textOf, watchedPage, watchSecurityPolicy, type PolicyViolation } from './helpers/browser.js';
import { incidentScene } from './helpers/incident-workers.js';
import { createTestStack, tokenFor, type TestStack } from './helpers/stack.js';

let stack: TestStack;
let scene: Awaited<ReturnType<typeof incidentScene>>;
let browser: Browser;
let context: BrowserContext;
let baseURL: string;
const policyViolations: PolicyViolation[] = [];

beforeAll(async () => {
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error('The front end is not built: run `npm run web:build` (npm test does).');
  stack = await createTestStack({ worker: false });
  scene = await incidentScene(stack);
  await scene.startCorrectWorker();
  baseURL = await stack.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await scene?.close();
  await stack?.close();
});

/** An administrator's browser: no demonstration persona is an administrator, so the session is set as sign-in sets it. */
async function adminPage(): Promise<Page> {
  context = await personContext(browser, baseURL);
  await watchSecurityPolicy(context, policyViolations);
  return watchedPage(context, await tokenFor('admin', 'admin-incidents'));
}


const row = (page: Page, tn: string) => page.locator('tr', { has: page.getByRole('link', { name: tn, exact: true }) });

describe('incidents page', () => {
  it('shows a bad deploy and a registry that is down; after the fixes, retry now makes both leave the open list', async () => {
    const office = `annex-web-${stack.id}`;
    const service = await scene.serviceDown(office);
    const nondeterministic = await scene.nondeterminism(office);

    const page = await adminPage();
    await page.goto('/#/incidents');
    await page.getByRole('button', { name: 'Français' }).click();
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('Incidents');
    await expect.poll(() => row(page, service.tn).count(), POLL).toBe(1);
    await expect.poll(() => row(page, nondeterministic.tn).count(), POLL).toBe(1);
    expect(await row(page, service.tn).textContent()).toContain('Service distant indisponible');
    expect(await row(page, service.tn).textContent()).toContain('answered 503');
    expect(await row(page, nondeterministic.tn).textContent()).toContain('DeterminismViolationError');
    await lookAccessible(page, 'incidents-1-open-fr');

    // The terminate dialog asks for a reason; cancelled here.
    await row(page, service.tn).getByRole('button', { name: /Arrêter/ }).click();
    await expect.poll(() => page.getByRole('dialog').count(), POLL).toBe(1);
    await lookAccessible(page, 'incidents-2-terminate-dialog-fr');
    await page.getByRole('button', { name: 'Annuler' }).click();

    await page.getByRole('button', { name: 'العربية' }).click();
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), POLL).toBe('الحوادث');
    await lookAccessible(page, 'incidents-3-open-ar');
    await page.getByRole('button', { name: 'Français' }).click();

    // The fixes: the registry answers again, and the correct code is deployed again.
    scene.registry.state.down = false;
    await scene.stopWorker();
    await scene.startCorrectWorker();

    await row(page, service.tn).getByRole('button', { name: /Relancer maintenant/ }).click();
    await expect.poll(() => page.getByRole('status').textContent(), POLL).toContain(service.tn);
    // The workflow task's next attempt goes to the fixed worker; retry now answers once it went through.
    await expect
      .poll(
        async () => {
          const retry = row(page, nondeterministic.tn).getByRole('button', { name: /Relancer maintenant/ });
          if (await retry.count()) await retry.click();
          await page.getByRole('button', { name: 'Actualiser' }).click();
          await page.waitForLoadState('networkidle');
          return (await row(page, service.tn).count()) + (await row(page, nondeterministic.tn).count());
        },
        { timeout: 120_000, interval: 2_000 },
      )
      .toBe(0);
    await lookAccessible(page, 'incidents-4-after-retry-fr');

    await page.goto('/#/incidents?status=resolved');
    await expect.poll(() => row(page, nondeterministic.tn).count(), POLL).toBe(1);
    await expect.poll(() => row(page, service.tn).count(), POLL).toBe(1);
    await lookAccessible(page, 'incidents-5-resolved-fr');
    expect((await service.approval).statusCode).toBe(200);
    expect(policyViolations).toEqual([]);
  }, 400_000);
});
