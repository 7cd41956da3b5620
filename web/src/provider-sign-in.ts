/**
 * Signing in with the OpenID provider, in the browser: the authorization code flow with PKCE for a public
 * client (oauth4webapi, a kept and certified implementation). Done here rather than by the API so the
 * API stays stateless (no session store, no cookie to protect against cross-site requests); the
 * browser only talks to the provider's discovery and token endpoints (CSP connect-src: the issuer's
 * origin) and navigates to its authorization page.
 */
import * as oauth from 'oauth4webapi';
import { api } from './api.js';
import { createStore } from './store.js';
import { signInAs, type Person, type Role } from './session.js';

export interface ProviderConfig {
  issuer: string;
  clientId: string;
  scopes: string;
}

const PENDING = 'mohla.provider-sign-in';

/** Why the last return from the provider did not sign the person in, for the sign-in page to show. */
export const providerFailure = createStore<string | undefined>(undefined);

/** Where the provider sends the person back: the portal's root, the page to go to in `next`. */
const redirectUri = () => `${location.origin}/`;

/** Plain http only for a provider on this very machine (development, tests), as the API allows. */
function insecure(config: ProviderConfig) {
  return ['localhost', '127.0.0.1', '[::1]'].includes(new URL(config.issuer).hostname) ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(config: ProviderConfig): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(config.issuer);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure(config) }));
}

/** Leaves for the provider's sign-in page; the verifier and state wait in this tab for the way back. */
export async function startProviderSignIn(config: ProviderConfig, next: string): Promise<void> {
  const server = await discover(config);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, next }));
  const url = new URL(server.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: config.scopes,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.href);
}

/**
 * Back from the provider (a `code` or an `error` in the address): exchanges the code for tokens, asks
 * Mohla who the access token makes the person, and signs them in. Answers the page to go to, or nothing
 * when this page load is not a return from the provider.
 */
export async function finishProviderSignIn(): Promise<string | undefined> {
  const here = new URL(location.href);
  if (!here.searchParams.has('state')) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as { verifier: string; state: string; next: string } | null;
  sessionStorage.removeItem(PENDING);
  // The code is single-use and must not stay in the address bar or the history.
  history.replaceState(null, '', `${here.pathname}${here.hash}`);
  if (!pending) throw new Error('This sign-in was not started from this tab; start again.');
  const { provider: config } = await api<{ provider: ProviderConfig | null }>('GET', '/auth/config');
  if (!config) throw new Error('No identity provider is configured.');
  const server = await discover(config);
  const client: oauth.Client = { client_id: config.clientId };
  const parameters = oauth.validateAuthResponse(server, client, here, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(server, client, oauth.None(), parameters, redirectUri(), pending.verifier, insecure(config));
  const tokens = await oauth.processAuthorizationCodeResponse(server, client, response);
  const principal = await api<{ sub: string; role: Role; offices: string[]; name?: string }>('GET', '/auth/me', {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  const person: Person = { ...principal, token: tokens.access_token, expiresAt: Date.now() + (tokens.expires_in ?? 300) * 1000 };
  signInAs(person);
  return pending.next;
}
