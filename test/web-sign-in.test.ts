/**
 * The web's sign-in with an OpenID provider, in a real browser against a real provider (oidc-provider):
 * the authorization code flow with PKCE, the person's role and offices read by the API from the
 * provider's access token, and the agent's inbox opened with it.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.js';
import { WEB_DIST } from '../api/web.js';
import { launchBrowser, personContext, POLL, screenshot, textOf, watchedPage } from './helpers/browser.js';
import { signingKey, startIdentityProvider, type IdentityProvider } from './helpers/identity-provider.js';
import { apiContext, createTestStack, type TestStack } from './helpers/stack.js';

const AUDIENCE = 'https://mohla.test/api';

let stack: TestStack;
let app: FastifyInstance;
let baseURL: string;
let provider: IdentityProvider;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error('The front end is not built: run `npm run web:build` (npm test does).');
  stack = await createTestStack({ worker: false });
  const office = `annex-sso-${stack.id}`;
  // The API must know the provider before it listens, and the provider the API's address: a port first.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const apiPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));

  const key = await signingKey('web-key', 'RS256');
  provider = await startIdentityProvider(() => ({
    clients: [
      {
        client_id: 'mohla-web',
        token_endpoint_auth_method: 'none',
        redirect_uris: [`http://127.0.0.1:${apiPort}/`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [key] },
    scopes: ['openid', 'profile', 'api'],
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, IdToken: 3600, AccessToken: 3600 },
    // Any login works on the provider's development pages; the login names the account.
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub, name: 'Youssef Benali' }) }),
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'api', audience: AUDIENCE, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    extraTokenClaims: (_ctx: unknown, token: { accountId?: string }) => (token.accountId === 'agent-12' ? { roles: ['mohla-agents'], offices: [office] } : {}),
  }));

  app = await buildApp(
    apiContext(stack, {
      offices: [],
      oidc: { issuer: provider.issuer, audience: AUDIENCE, clientId: 'mohla-web', scopes: 'openid profile api', roleClaim: 'roles', roleMap: { 'mohla-agents': 'agent' }, officesClaim: 'offices' },
    }),
  );
  stack.answers.watch(app);
  baseURL = await app.listen({ host: '127.0.0.1', port: apiPort });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await provider?.close();
  await stack?.close();
});

describe('signing in with the identity provider', () => {
  it("takes an agent from the provider's sign-in page to their office's inbox", async () => {
    const context = await personContext(browser, baseURL);
    const page = await watchedPage(context);
    await page.goto('/#/inbox');
    await page.getByRole('button', { name: /compte d'identité/ }).click();
    // The provider's own page, on its own origin.
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.fill('input[name=login]', 'agent-12');
    await page.fill('input[name=password]', 'anything');
    await page.click('button[type=submit]');
    // The provider asks the person to agree to Mohla reading their account.
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === new URL(baseURL).origin && url.hash.startsWith('#/inbox'));
    // The code has left the address bar; the agent is signed in with the provider's token.
    expect(page.url()).not.toMatch(/[?&]code=/);
    await expect.poll(textOf(page.locator('h1')), POLL).toBe('Tâches');
    await expect.poll(textOf(page.getByText(/Se déconnecter/)), POLL).toContain('agent-12');
    const saved = await page.evaluate<string | null>("sessionStorage.getItem('mohla.session.provider')");
    const session = JSON.parse(saved ?? 'null') as { role: string; sub: string; token: string } | null;
    expect(session).toMatchObject({ role: 'agent', sub: 'agent-12' });
    const inbox = await page.evaluate(async (token) => (await fetch('/tasks', { headers: { authorization: `Bearer ${token}` } })).status, session!.token);
    expect(inbox).toBe(200);
    // The sign-in went through the provider's real endpoints.
    expect(provider.requests).toEqual(expect.arrayContaining(['/.well-known/openid-configuration', '/auth', '/token']));
    await screenshot(page, 'sign-in-provider-inbox');
    await context.close();
  });
});
