/**
 * Issued documents in a real browser (Debian's Chromium through Playwright) on the real stack: the
 * citizen downloads their certificate from "my applications", and anyone opening the QR code's page sees
 * whether it is valid or revoked, in Arabic and French, and checks the file they hold.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuedDocumentByCode } from '../db/issued-documents.js';
import { verificationUrl } from '../documents/key-ring.js';
import { formatVerificationCode, type VerificationCode } from '../documents/verification-code.js';
import { sha256Hex } from '../documents/verification.js';
import { personContext, POLL, screenshot, seriousViolations, signInAs, textOf, watchedPage } from './helpers/browser.js';
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

/** A residence certificate approved for `citizenId`, once the workflow has issued its certificate. */
async function certificateFor(citizenId: string) {
  const office = await people(stack, `annex-web-docs-${stack.id}`);
  const citizen = as(stack, await tokenFor('citizen', citizenId));
  const form = { fullName: 'Amal Chraibi', cin: 'BE771122', address: '12 rue Allal Ben Abdellah, Rabat', phone: '+212622334455' };
  const filed = await citizen({ method: 'POST', url: '/applications', payload: { procedureId: 'residence-certificate', officeId: office.office, data: form } });
  expect(filed.statusCode, filed.body).toBe(201);
  const { trackingNumber, tasks, receipt } = filed.json() as { trackingNumber: string; tasks: Array<{ id: string }>; receipt: { pin: string } };
  expect((await office.agent({ method: 'POST', url: `/tasks/${tasks[0]!.id}/complete`, payload: { outcome: 'approve' } })).statusCode).toBe(200);
  const row = await eventually(async () => {
    const entries = (await citizen({ method: 'GET', url: `/applications/${trackingNumber}/timeline` })).json().entries as Array<{ kind: string; detail: { code?: string } }>;
    const code = entries.find((e) => e.kind === 'document-issued')?.detail.code;
    return code ? await issuedDocumentByCode(stack.appOrm, code) : undefined;
  }, 60_000);
  const chunks: Buffer[] = [];
  for await (const chunk of await stack.storage.read(row!.storageKey!)) chunks.push(Buffer.from(chunk as Buffer));
  const code = row!.code as VerificationCode;
  // The worker prints its own PUBLIC_URL; the address is the same path on this test's server.
  return { trackingNumber, pdf: Buffer.concat(chunks), code: formatVerificationCode(code), sha256: row!.sha256, office, qrUrl: verificationUrl(baseURL, code), holder: form.fullName, pin: receipt.pin };
}

describe('issued documents on the portal', () => {
  it('the citizen downloads the certificate from "my applications"; the QR code\'s page says valid, then revoked, in French and Arabic', async () => {
    const citizenId = 'BE771122';
    const issued = await certificateFor(citizenId);

    const context = await personContext(browser, baseURL);
    const page = await watchedPage(context);
    await signInAs(page, /Citoyen/, citizenId);
    await page.goto('/#/applications');
    const row = page.locator('tr', { hasText: issued.trackingNumber });
    const button = row.getByRole('button', { name: /Télécharger/ });
    await button.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'issued-documents-my-applications');
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    const saved = readFileSync((await download.path())!);
    expect(saved.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(sha256Hex(saved)).toBe(issued.sha256);
    expect(download.suggestedFilename()).toBe(`residence-certificate-${issued.code}.pdf`);

    // At the kiosk, the tracking number and PIN open the document for printing in the browser's PDF viewer.
    const kiosk = await personContext(browser, baseURL, { kiosk: true });
    const kioskPage = await kiosk.newPage();
    await kioskPage.goto('/#/kiosk/track');
    await kioskPage.fill('#track-number', issued.trackingNumber);
    await kioskPage.fill('#track-pin', issued.pin);
    await kioskPage.getByRole('button', { name: 'Suivre la demande' }).click();
    const print = kioskPage.locator('.issued-documents').getByRole('button', { name: /Imprimer/ });
    await print.waitFor();
    expect(await seriousViolations(kioskPage)).toEqual([]);
    await screenshot(kioskPage, 'issued-documents-kiosk');
    const [viewer] = await Promise.all([kiosk.waitForEvent('page'), print.click()]);
    expect(viewer.url()).toMatch(/^blob:/);
    await kiosk.close();

    // The QR code's page, as anyone opens it: no sign-in.
    const visitor = await personContext(browser, baseURL);
    const verify = await watchedPage(visitor);
    // The address the QR code holds: the browser is sent on to the verification page.
    await verify.goto(issued.qrUrl);
    await expect.poll(() => verify.evaluate<string>('location.hash'), POLL).toBe(`#/verify/${issued.code.replaceAll('-', '')}`);
    const verdict = verify.locator('.verdict-line').first();
    await expect.poll(textOf(verdict), POLL).toBe('Document authentique et valide');
    expect(await textOf(verify.locator('main'))()).not.toContain(issued.holder);
    expect(await seriousViolations(verify)).toEqual([]);
    await screenshot(verify, 'issued-documents-verify-valid-fr');

    // The file the holder has: checked against what was issued; a changed copy is not.
    await verify.setInputFiles('#verify-file', { name: 'certificate.pdf', mimeType: 'application/pdf', buffer: issued.pdf });
    await expect.poll(textOf(verify.locator('.verdict-line').nth(1)), POLL).toBe('Ce fichier est exactement le document délivré, et sa signature est valide');
    const changed = Buffer.from(issued.pdf);
    const middle = Math.floor(changed.length / 2);
    changed[middle] = changed[middle]! ^ 0x20;
    await verify.setInputFiles('#verify-file', { name: 'certificate.pdf', mimeType: 'application/pdf', buffer: changed });
    await expect.poll(textOf(verify.locator('.verdict-line').nth(1)), POLL).toBe('Ce fichier n’est pas le document délivré sous ce code');
    expect(await seriousViolations(verify)).toEqual([]);
    await screenshot(verify, 'issued-documents-verify-tampered-fr');

    await verify.getByRole('button', { name: 'العربية' }).click();
    await expect.poll(textOf(verdict), POLL).toBe('وثيقة أصلية وصالحة');
    // The page's direction follows the language in an effect after the render: waited for, as web.test.ts does.
    await expect.poll(() => verify.evaluate<string>('document.documentElement.dir'), POLL).toBe('rtl');
    expect(await seriousViolations(verify)).toEqual([]);
    await screenshot(verify, 'issued-documents-verify-valid-ar');

    const revoked = await issued.office.supervisor({
      method: 'POST',
      url: `/applications/${issued.trackingNumber}/issued-documents/${issued.code}/revoke`,
      payload: { reason: 'Justificatif de domicile falsifié' },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    await verify.reload();
    await expect.poll(textOf(verify.locator('.verdict-line').first()), POLL).toBe('وثيقة أصلية لكنها ملغاة');
    expect(await textOf(verify.locator('.verdict'))()).toContain('Justificatif de domicile falsifié');
    expect(await seriousViolations(verify)).toEqual([]);
    await screenshot(verify, 'issued-documents-verify-revoked-ar');
    await verify.getByRole('button', { name: 'Français' }).click();
    await expect.poll(textOf(verify.locator('.verdict-line').first()), POLL).toBe('Document authentique, mais révoqué');
    await screenshot(verify, 'issued-documents-verify-revoked-fr');
    await context.close();
    await visitor.close();
  });
});
