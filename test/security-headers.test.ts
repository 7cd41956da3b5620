/**
 * Browser security headers on every answer: a content security policy with no inline script or style and
 * no framing, nosniff, a same-origin referrer policy; the server-rendered receipt lives within it, and the
 * identity provider's origin is allowed when one is configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { apiContext, bearer, createTestStack, tokenFor, type TestStack } from './helpers/stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await createTestStack();
});
afterAll(async () => {
  await stack?.close();
});

/** The policy's directives by name. */
function policy(header: string | string[] | number | undefined): Record<string, string[]> {
  expect(typeof header, 'content-security-policy header').toBe('string');
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );
}

/** A citizen's residence certificate, filed so that its printable receipt exists. */
async function fileAs(citizen: string, data: { fullName: string; cin: string; address: string }) {
  const token = bearer(await tokenFor('citizen', citizen));
  const filed = await stack.app.inject({ method: 'POST', url: '/applications', headers: token, payload: { procedureId: 'residence-certificate', officeId: 'annex-berkane-1', data } });
  return { token, filed };
}

describe('security headers', () => {
  it('come with every answer: JSON, problems, the printable receipt', async () => {
    const { token, filed } = await fileAs('citizen-headers', { fullName: 'Omar Berrada', cin: 'NP123456', address: '8 rue Al Massira, Berkane' });
    expect(filed.statusCode, filed.body).toBe(201);
    const answers = [
      await stack.app.inject({ method: 'GET', url: '/health' }),
      await stack.app.inject({ method: 'GET', url: '/no-such-route' }),
      await stack.app.inject({ method: 'GET', url: '/tasks' }),
      await stack.app.inject({ method: 'GET', url: `/applications/${filed.json().trackingNumber}/receipt.html`, headers: token }),
    ];
    for (const res of answers) {
      const directives = policy(res.headers['content-security-policy']);
      expect(directives['frame-ancestors'], res.body).toEqual(["'none'"]);
      expect(directives['script-src']).toEqual(["'self'"]);
      expect(directives['style-src']).toEqual(["'self'"]);
      expect(directives['object-src']).toEqual(["'none'"]);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('same-origin');
    }
  });

  it('leave the receipt page no inline script or style: its print button and style are files of their own', async () => {
    const { token, filed } = await fileAs('citizen-receipt', { fullName: 'Imane Chraibi', cin: 'QR123456', address: '2 rue Al Qods, Berkane' });
    const page = (await stack.app.inject({ method: 'GET', url: `/applications/${filed.json().trackingNumber}/receipt.html`, headers: token })).body;
    expect(page).not.toMatch(/\son\w+=/i);
    expect(page).not.toMatch(/<style/i);
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
    for (const [, src] of page.matchAll(/(?:src|href)="(\/[^"]+)"/g)) {
      const asset = await stack.app.inject({ method: 'GET', url: src! });
      expect(asset.statusCode, src).toBe(200);
    }
  });

  it("let the pages call the configured identity provider's origin, and nothing else", async () => {
    const oidc = { issuer: 'https://id.example.ma/realms/mohla', audience: 'mohla-web', clientId: 'mohla-web', scopes: 'openid', roleClaim: 'roles', roleMap: {}, officesClaim: 'offices' };
    const withIssuer = await buildApp(apiContext(stack, { offices: [], oidc }));
    stack.answers.watch(withIssuer);
    const res = await withIssuer.inject({ method: 'GET', url: '/health' });
    expect(policy(res.headers['content-security-policy'])['connect-src']).toEqual(["'self'", 'https://id.example.ma']);
    await withIssuer.close();
    const without = await stack.app.inject({ method: 'GET', url: '/health' });
    expect(policy(without.headers['content-security-policy'])['connect-src']).toEqual(["'self'"]);
  });

  it('give the API documentation its own policy, still refusing framing and inline scripts', async () => {
    for (const url of ['/docs/', '/docs?lang=fr', '/docs/static/swagger-ui.css']) {
      const res = await stack.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeLessThan(400);
      const directives = policy(res.headers['content-security-policy']);
      expect(directives['style-src'], url).toEqual(["'self'", "'unsafe-inline'"]);
      expect(directives['frame-ancestors'], url).toEqual(["'none'"]);
      expect(directives['script-src'], url).toEqual(["'self'"]);
    }
  });
});
