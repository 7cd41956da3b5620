/**
 * The web hands the Temporal UI its codec session: an auditor who signs in gets the cookie that lets the
 * UI decode payloads, and loses it on signing out. Debian's Chromium, on the built front end.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Cookie } from 'playwright-core';
import { PROJECT_ROOT } from '../infra/config.js';
import { launchBrowser, personContext, POLL, signInAs } from './helpers/browser.js';
import { createTestStack, type TestStack } from './helpers/stack.js';

let stack: TestStack;
let browser: Browser;
let baseURL: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!existsSync(path.join(PROJECT_ROOT, 'web', 'dist', 'index.html'))) throw new Error('The front end is not built: run `npm run web:build` (npm test does).');
  stack = await createTestStack({ worker: false });
  baseURL = await stack.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await stack?.close();
});

async function signedIn(persona: RegExp) {
  const context = await personContext(browser, baseURL);
  contexts.push(context);
  const page = await context.newPage();
  await signInAs(page, persona);
  const codecCookie = async () => (await context.cookies(`${baseURL}/codec/decode`)).find((c: Cookie) => c.name === 'mohla_codec');
  return { context, page, codecCookie };
}

describe('the codec session in the web', () => {
  it('is opened when an auditor signs in, lets the codec endpoint answer, and closes on signing out', async () => {
    const { context, page, codecCookie } = await signedIn(/Auditeur/);
    await expect.poll(async () => (await codecCookie())?.httpOnly, POLL).toBe(true);
    expect(await codecCookie()).toMatchObject({ path: '/codec', sameSite: 'Strict' });
    // The cookie is all the codec endpoint needs: what the Temporal UI's calls carry.
    const decoded = await context.request.post(`${baseURL}/codec/decode`, { data: { payloads: [] } });
    expect(decoded.status()).toBe(200);

    await page.getByRole('button', { name: /Se déconnecter/ }).click();
    await expect.poll(codecCookie, POLL).toBeUndefined();
  });

  it('is not opened for an agent', async () => {
    const { page, codecCookie } = await signedIn(/Agent — Youssef/);
    await page.waitForLoadState('networkidle');
    expect(await codecCookie()).toBeUndefined();
  });
});
