/**
 * The citizen's window in a real browser (Debian's Chromium through Playwright) on the real stack: after
 * an express refusal of a request for information (access-to-information v4), the citizen's page shows
 * the complaint they may make and until when, and the refusal letter issued as the window opened; the
 * citizen complains from it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personContext, POLL, screenshot, seriousViolations, signInAs, textOf, watchedPage } from './helpers/browser.js';
import { as, tokenFor, type TestStack } from './helpers/stack.js';
import { openWebStack } from './helpers/web-stack.js';

let stack: TestStack;
let browser: Browser;
let baseURL: string;

beforeAll(async () => {
  ({ stack, browser, baseURL } = await openWebStack());
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("the citizen's window on the application page", () => {
  it('shows the complaint the citizen may make and until when; the citizen complains from the page', async () => {
    const citizenId = 'GH901234';
    const citizen = as(stack, await tokenFor('citizen', citizenId));
    const officer = as(stack, await tokenFor('agent', 'officer-window', ['commune-berkane']));
    const filed = await citizen({
      method: 'POST',
      url: '/applications',
      payload: {
        procedureId: 'access-to-information',
        officeId: 'commune-berkane',
        data: {
          fullName: 'Nadia Berrada',
          idType: 'cin',
          idNumber: citizenId,
          informationRequested: 'The road works budget of the commune for 2025',
          deliveryFormat: 'on-site',
          lifeSafetyOrFreedomAtStake: false,
        },
      },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const trackingNumber = filed.json().trackingNumber as string;
    const open = async (stepId: string) =>
      ((await citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json().tasks as Array<{ id: string; stepId: string; status: string }>).find((t) => t.stepId === stepId && t.status === 'open')!;
    await officer({ method: 'POST', url: `/tasks/${(await open('examine')).id}/complete`, payload: { outcome: 'refuse' } });
    const refused = await officer({
      method: 'POST',
      url: `/tasks/${(await open('motivateRefusal')).id}/complete`,
      payload: { outcome: 'confirm', data: { exception: 'other-legal-exception', motivation: 'The budget is still being drafted by the council.' } },
    });
    expect(refused.statusCode, refused.body).toBe(200);
    // The refusal letter is issued as the window opens: the citizen holds it while they may still complain.
    const letters = async () => (await citizen({ method: 'GET', url: `/applications/${trackingNumber}/issued-documents` })).json().documents as Array<{ documentName: string }>;
    await expect.poll(async () => (await letters()).map((d) => d.documentName), POLL).toEqual(['information-refusal']);
    const letterTitle = 'Décision de refus d’accès à l’information';

    // At the kiosk, with the receipt's number and PIN: the window, until when, and where to act.
    const turn = (await citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json().citizenTurn as { dueDate: string };
    const [year, month, day] = turn.dueDate.split('-').map(Number);
    const kiosk = await personContext(browser, baseURL, { kiosk: true });
    const kioskPage = await watchedPage(kiosk);
    await kioskPage.goto('/#/kiosk/track');
    await kioskPage.fill('#track-number', trackingNumber);
    await kioskPage.fill('#track-pin', filed.json().receipt.pin as string);
    await kioskPage.getByRole('button', { name: 'Suivre la demande' }).click();
    const kioskWindow = kioskPage.locator('.kiosk-window');
    await expect.poll(textOf(kioskWindow.getByRole('heading')), POLL).toBe("Réclamer auprès du chef de l'organisme");
    const said = await textOf(kioskWindow)();
    expect(said).toContain('Vous pouvez le faire jusqu’au');
    expect(said).toContain(`${day} ${new Intl.DateTimeFormat('fr', { month: 'long' }).format(new Date(Date.UTC(year!, month! - 1, 15)))} ${year}`);
    expect(said).toContain('depuis la page de votre demande sur le portail');
    expect(said).not.toContain('Nadia');
    await expect.poll(textOf(kioskPage.locator('.issued-documents')), POLL).toContain(letterTitle);
    // The body answered in time: its legal deadline reads as met, not as a date still to come.
    const legal = kioskPage.locator('dl.facts dt', { hasText: 'Date limite légale' }).locator('xpath=following-sibling::dd[1]');
    expect(await textOf(legal)()).toMatch(/^Respecté — /);
    await kioskPage.waitForLoadState('networkidle');
    await screenshot(kioskPage, 'kiosk-window-open');
    expect(await seriousViolations(kioskPage)).toEqual([]);
    await kiosk.close();

    const context = await personContext(browser, baseURL);
    const page: Page = await watchedPage(context);
    await signInAs(page, /Citoyen/, citizenId);
    await page.goto(`/#/applications/${trackingNumber}`);
    const panel = page.locator('.panel.attention');
    await expect.poll(textOf(panel.getByRole('heading')), POLL).toBe('Réclamer auprès du chef de l\'organisme');
    await expect.poll(textOf(panel), POLL).toContain('Vous pouvez le faire jusqu’au');
    await expect.poll(textOf(page.locator('.issued-documents')), POLL).toContain(letterTitle);
    expect(await textOf(page.locator('.timeline'))()).toContain('Document délivré — Réclamer auprès du chef de l\'organisme');
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'citizen-window-open');
    expect(await seriousViolations(page)).toEqual([]);

    await page.fill('#window-grounds', 'Trop court');
    await page.getByRole('button', { name: 'Envoyer' }).click();
    // The summary names the field by its label, as the citizen reads it, not by its pointer.
    await expect.poll(textOf(page.locator('.panel.attention .problem li')), POLL).toMatch(/^Motifs de la réclamation — /);
    await page.fill('#window-grounds', 'The budget was voted in session; it is public and should be given to me.');
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await expect.poll(textOf(page.locator('.timeline')), POLL).toContain('Le demandeur a agi dans le délai');
    await page.locator('.panel.attention').waitFor({ state: 'detached' });
    await screenshot(page, 'citizen-window-acted');
    const view = (await citizen({ method: 'GET', url: `/applications/${trackingNumber}` })).json();
    expect(view.tasks.map((t: { stepId: string; status: string }) => [t.stepId, t.status])).toContainEqual(['complaintReview', 'open']);
    await context.close();
  }, 90_000);
});
