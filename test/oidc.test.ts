/**
 * Tokens from a real OpenID provider (oidc-provider, the certified Node implementation) running in this
 * test: issued through its token endpoint, checked by the API against its published keys, mapped to
 * Mohla's roles and offices; a rotation of its keys, a forged token, a wrong audience, an expired token
 * and another issuer's token.
 */
import { generateKeyPair, SignJWT, decodeProtectedHeader, type JWK } from 'jose';
import type { ProviderClient } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.js';
import { oidcVerifier } from '../api/oidc.js';
import type { OidcSettings, TokenRules } from '../infra/config.js';
import { signingKey, startIdentityProvider, type IdentityProvider } from './helpers/identity-provider.js';
import { apiContext, createTestStack, people, TEST_SECRET, type TestStack } from './helpers/stack.js';

const API_AUDIENCE = 'https://mohla.test/api';

/** The people the provider knows, as clients of the client-credentials grant, with their claims. */
const CLIENTS: Record<string, { roles: string[]; offices?: string[]; ttl?: number; resource?: string }> = {
  'agent-berkane': { roles: ['mohla-agents', 'offline_access'] },
  'auditor-two-roles': { roles: ['mohla-agents', 'mohla-auditors'] },
  'nobody-known': { roles: ['staff'] },
  // Whole seconds: issued at x.9 s, a token of 3 s still has 2 s to live when the test first uses it.
  'short-lived': { roles: ['mohla-agents'], ttl: 3 },
  'year-long': { roles: ['mohla-agents'], ttl: 365 * 86400 },
};

interface RunningProvider extends IdentityProvider {
  /** A new signing key, RSA this time (the newest signs; the previous ones stay published). */
  rotate(): Promise<void>;
}

/** A provider whose clients (the client-credentials grant) are the people above. */
async function startProvider(offices: string[]): Promise<RunningProvider> {
  let keys: JWK[] = [await signingKey('key-1', 'ES256')];
  const provider = await startIdentityProvider(() => ({
    clients: Object.keys(CLIENTS).map((id) => ({
      client_id: id,
      client_secret: `${id}-secret`,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      scope: 'api',
      id_token_signed_response_alg: 'ES256',
    })),
    jwks: { keys },
    scopes: ['openid', 'api'],
    ttl: { ClientCredentials: (_ctx: unknown, _token: unknown, client: ProviderClient) => CLIENTS[client.clientId]?.ttl ?? 600 },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string, client: ProviderClient) => ({
          scope: 'api',
          audience: resource,
          accessTokenTTL: CLIENTS[client.clientId]?.ttl ?? 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: keys[0]!.alg } },
        }),
      },
    },
    extraTokenClaims: (_ctx: unknown, token: { clientId: string }) => {
      const client = CLIENTS[token.clientId];
      return client ? { roles: client.roles, mohla: { offices } } : {};
    },
  }));
  return {
    ...provider,
    async rotate() {
      keys = [await signingKey(`key-${keys.length + 1}`, 'RS256'), ...keys];
      provider.rebuild();
    },
  };
}

/** A token from the provider's token endpoint, as a service would get one. */
async function tokenFrom(provider: RunningProvider, clientId: string, resource = API_AUDIENCE): Promise<string> {
  const res = await fetch(`${provider.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientId}-secret`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api', resource }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!res.ok || !body.access_token) throw new Error(`the provider refused ${clientId}: ${JSON.stringify(body)}`);
  return body.access_token;
}

let stack: TestStack;
let office: Awaited<ReturnType<typeof people>>;
let provider: RunningProvider;
let other: RunningProvider;
let settings: OidcSettings;
let app: FastifyInstance;
const rules: TokenRules = { maxLifetimeSeconds: 12 * 3600, clockSkewSeconds: 0 };

beforeAll(async () => {
  stack = await createTestStack({ worker: false });
  office = await people(stack, `annex-oidc-${stack.id}`);
  provider = await startProvider([office.office]);
  other = await startProvider([office.office]);
  settings = {
    issuer: provider.issuer,
    audience: API_AUDIENCE,
    clientId: 'mohla-web',
    scopes: 'openid profile',
    roleClaim: 'roles',
    roleMap: { 'mohla-agents': 'agent', 'mohla-auditors': 'auditor' },
    officesClaim: 'mohla.offices',
  };
  app = await buildApp(
    apiContext(stack, {
      offices: [],
      tokens: rules,
      oidc: settings,
      // A rotation is picked up at once here; the cool-down itself is checked below.
      oidcOptions: { jwksCooldownMs: 0 },
    }),
  );
  stack.answers.watch(app);
});
afterAll(async () => {
  await app?.close();
  await provider?.close();
  await other?.close();
  await stack?.close();
});

const call = (token: string, url = '/tasks') => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

describe('tokens from an OpenID provider', () => {
  it("are taken with the role and offices their claims map to", async () => {
    const token = await tokenFrom(provider, 'agent-berkane');
    expect(decodeProtectedHeader(token).alg).toBe('ES256');
    const inbox = await call(token);
    expect(inbox.statusCode, inbox.body).toBe(200);
    // An agent of the mapped office: that office's inbox is theirs, another's is not.
    expect((await call(token, `/tasks?officeId=${office.office}`)).statusCode).toBe(200);
    expect((await call(token, '/tasks?officeId=annex-elsewhere')).statusCode).toBe(403);
    // An agent, not an auditor: the audit routes refuse them.
    expect((await call(token, '/statistics?from=2026-01-01&to=2026-01-31')).statusCode).toBe(403);
  });

  it('are refused, with a problem, when their claims map to no role or to two', async () => {
    for (const client of ['nobody-known', 'auditor-two-roles']) {
      const res = await call(await tokenFrom(provider, client));
      expect(res.statusCode, client).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().detail).toMatch(/role/);
    }
  });

  it('are refused for another audience, from another issuer, forged, expired or living too long', async () => {
    expect((await call(await tokenFrom(provider, 'agent-berkane', 'https://other-service.test/api'))).statusCode).toBe(401);
    expect((await call(await tokenFrom(other, 'agent-berkane'))).statusCode).toBe(401);

    // Our own key under the provider's key id and issuer: the signature does not match its published key.
    const genuine = await tokenFrom(provider, 'agent-berkane');
    const { privateKey } = await generateKeyPair('ES256');
    const claims = JSON.parse(Buffer.from(genuine.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const forged = await new SignJWT({ ...claims, roles: ['mohla-auditors'] }).setProtectedHeader({ alg: 'ES256', kid: decodeProtectedHeader(genuine).kid! }).sign(privateKey);
    expect((await call(forged)).statusCode).toBe(401);
    // The development secret's algorithm under the provider's name: HS256 is not one of its algorithms.
    const confused = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(TEST_SECRET));
    expect((await call(confused)).statusCode).toBe(401);

    const yearLong = await call(await tokenFrom(provider, 'year-long'));
    expect(yearLong.statusCode).toBe(401);
    expect(yearLong.json().detail).toMatch(/lives longer/);
    const shortLived = await tokenFrom(provider, 'short-lived');
    expect((await call(shortLived, '/applications')).statusCode).toBe(200);
    const { exp } = JSON.parse(Buffer.from(shortLived.split('.')[1]!, 'base64url').toString()) as { exp: number };
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 100));
    // A new token string each time: the expired one, still in the verified-token cache, must be dropped too.
    expect((await call(shortLived)).statusCode).toBe(401);
  });

  it('follow a rotation of the provider\'s keys: a token signed with the new key is taken', async () => {
    const before = await tokenFrom(provider, 'agent-berkane');
    expect((await call(before)).statusCode).toBe(200);
    await provider.rotate();
    const after = await tokenFrom(provider, 'agent-berkane');
    expect(decodeProtectedHeader(after)).toMatchObject({ alg: 'RS256', kid: 'key-2' });
    expect((await call(after)).statusCode).toBe(200);
    // The previous key is still published, so tokens signed before the rotation stay good until they expire.
    expect((await call(before, '/applications')).statusCode).toBe(200);
  });

  it('answer 503, not 401, while the provider cannot be reached for its keys', async () => {
    const unreachable = await startProvider([office.office]);
    const token = await tokenFrom(unreachable, 'agent-berkane');
    await unreachable.close();
    const verify = oidcVerifier({ ...settings, issuer: unreachable.issuer }, rules);
    await expect(verify(token)).rejects.toMatchObject({ code: 'service_unavailable' });
  });

  it('do not make the API fetch the key set again for every unknown key id', async () => {
    const verify = oidcVerifier(settings, rules, { jwksCooldownMs: 10 * 60_000 });
    const genuine = await tokenFrom(provider, 'agent-berkane');
    await verify(genuine);
    const fetchesBefore = provider.requests.filter((p) => p === '/jwks').length;
    const { privateKey } = await generateKeyPair('ES256');
    const claims = JSON.parse(Buffer.from(genuine.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    for (let i = 0; i < 20; i++) {
      const unknownKid = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: `made-up-${i}` }).sign(privateKey);
      await expect(verify(unknownKid)).rejects.toThrow();
    }
    expect(provider.requests.filter((p) => p === '/jwks').length - fetchesBefore).toBeLessThanOrEqual(1);
  });
});
