import { createHmac } from 'node:crypto';

/**
 * The name a Redis counter gives its caller: a person's id may be their CIN, an address is personal data
 * too (Law 09-08), and a tracking number leads to an application, while Redis is outside PostgreSQL's
 * access control. A plain hash of an IPv4 address or a six-part tracking number is reversed by trying
 * them all, so the digest is keyed with the server's secret.
 */
export type CounterKey = (kind: string, text: string) => string;

export function counterKeys(secret: string): CounterKey {
  return (kind, text) => `${kind}:${createHmac('sha256', secret).update(`counter:${kind}:${text}`).digest('base64url').slice(0, 22)}`;
}
