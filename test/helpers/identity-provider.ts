/**
 * A real OpenID provider for the tests: oidc-provider (the certified Node implementation) on a free
 * port of this machine, behind one HTTP server so that a test can rebuild it (a key rotation) at the same
 * address, and with every request it served recorded by path.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

export interface IdentityProvider {
  /** The issuer, which is also its address. */
  issuer: string;
  /** Paths of the requests it served, in order. */
  requests: string[];
  /** Builds the provider again from its configuration (after the test changed what it reads). */
  rebuild(): void;
  close(): Promise<void>;
}

/** A private signing key as the provider publishes it (its public half) under `kid`. */
export async function signingKey(kid: string, alg: 'ES256' | 'RS256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

export async function startIdentityProvider(configuration: (issuer: string) => Record<string, unknown>): Promise<IdentityProvider> {
  const requests: string[] = [];
  // The issuer is the server's address, so the provider is built once the server listens.
  const built: { provider?: Provider } = {};
  const server: Server = createServer((req, res) => {
    requests.push(new URL(req.url ?? '/', 'http://x').pathname);
    // Koa answers its own errors (ctx.onerror), so the promise its handler returns does not reject.
    void built.provider!.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rebuild = () => {
    built.provider = new Provider(issuer, configuration(issuer));
  };
  rebuild();
  return {
    issuer,
    requests,
    rebuild,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
