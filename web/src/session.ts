import { createStore } from './store.js';

export type Role = 'citizen' | 'agent' | 'supervisor' | 'designer' | 'auditor' | 'admin';

/** The signed-in person, as their token says (the API checks the token; this only shapes the pages). */
export interface Person {
  sub: string;
  role: Role;
  offices: string[];
  name?: string;
  token: string;
  expiresAt: number;
}

const KEY = 'mohla.session';

function decode(token: string): Person | undefined {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    if (typeof payload.sub !== 'string' || typeof payload.role !== 'string' || typeof payload.exp !== 'number') return undefined;
    return {
      sub: payload.sub,
      role: payload.role as Role,
      offices: Array.isArray(payload.offices) ? (payload.offices as string[]) : [],
      ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
      token,
      expiresAt: payload.exp * 1000,
    };
  } catch {
    return undefined;
  }
}

/** A person signed in through the identity provider: Mohla's reading of the token, kept with it. */
const PROVIDER_KEY = 'mohla.session.provider';

function restore(): Person | undefined {
  const token = sessionStorage.getItem(KEY);
  const saved = sessionStorage.getItem(PROVIDER_KEY);
  const person = token ? decode(token) : saved ? (JSON.parse(saved) as Person) : undefined;
  return person && person.expiresAt > Date.now() ? person : undefined;
}

export const session = createStore<Person | undefined>(restore());

/** Returns false when the text is not a token Mohla could have issued. */
export function signIn(token: string): boolean {
  const person = decode(token.trim());
  if (!person || person.expiresAt <= Date.now()) return false;
  // The tab's session only: a kiosk or a shared counter computer forgets the person when the tab closes.
  sessionStorage.removeItem(PROVIDER_KEY);
  sessionStorage.setItem(KEY, person.token);
  session.set(person);
  if (person.role === 'auditor' || person.role === 'admin') openCodecSession(person.token);
  return true;
}

/** A provider's token: its claims are the provider's, so the person is who the API said it makes them. */
export function signInAs(person: Person): void {
  sessionStorage.removeItem(KEY);
  sessionStorage.setItem(PROVIDER_KEY, JSON.stringify(person));
  session.set(person);
  if (person.role === 'auditor' || person.role === 'admin') openCodecSession(person.token);
}

/**
 * Auditors and admins read encrypted histories in the Temporal UI, which asks Mohla's /codec endpoint to
 * decode them with a short-lived cookie (its dev server cannot send a bearer token). Best effort: without
 * it only the Temporal UI stays unreadable.
 */
function openCodecSession(token: string): void {
  void fetch('/codec/session', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
}

export function signOut(): void {
  sessionStorage.removeItem(PROVIDER_KEY);
  sessionStorage.removeItem(KEY);
  session.set(undefined);
  void fetch('/codec/session', { method: 'DELETE' }).catch(() => undefined);
}
