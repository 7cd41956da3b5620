import { PermanentDeliveryError, type DeliveryReceipt, type NotificationProvider, type OutgoingMessage } from '../types.js';

export interface SmsGatewaySettings {
  url: string;
  /** The Authorization header, e.g. "Bearer <key>"; user:password in the URL is sent as Basic. */
  authorization?: string;
  /** The JSON body, whose strings may hold {{to}}, {{text}}, {{id}} and {{language}}. */
  payload: string;
  timeoutMs?: number;
}

const IDEMPOTENCY_HEADER = 'Idempotency-Key';

function fill(template: unknown, values: Record<string, string>): unknown {
  if (typeof template === 'string') return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
  if (Array.isArray(template)) return template.map((item) => fill(item, values));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fill(v, values)]));
  }
  return template;
}

/**
 * SMS through an HTTP gateway: one POST per message, carrying the delivery id as an Idempotency-Key
 * header. The gateway's contract (see notifications/README.md) is to send a message once per key, and
 * to answer a repeated key as it answered the first: that is what makes a resend after a crash safe.
 */
export class SmsGatewayProvider implements NotificationProvider {
  readonly name = 'sms-gateway';
  readonly idempotent = true;
  private readonly endpoint: string;
  private readonly headers: Record<string, string>;
  private readonly template: unknown;

  constructor(private readonly settings: SmsGatewaySettings) {
    const url = new URL(settings.url);
    this.headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (url.username) {
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      this.headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    if (settings.authorization) this.headers.authorization = settings.authorization;
    this.endpoint = url.href;
    try {
      this.template = JSON.parse(settings.payload);
    } catch (err) {
      throw new Error(`SMS_GATEWAY_PAYLOAD is not JSON: ${(err as Error).message}`);
    }
  }

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    const body = fill(this.template, { to: message.to, text: message.text, id: message.id, language: message.language });
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: { ...this.headers, [IDEMPOTENCY_HEADER]: message.id },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000),
    });
    const answer = await response.text();
    if (response.ok) {
      let providerMessageId: string | undefined;
      try {
        const parsed = JSON.parse(answer) as Record<string, unknown>;
        const id = parsed.id ?? parsed.messageId ?? parsed.message_id;
        if (typeof id === 'string' || typeof id === 'number') providerMessageId = String(id);
      } catch {
        // A gateway may answer with plain text: the status is what counts.
      }
      return providerMessageId ? { providerMessageId } : {};
    }
    const detail = `SMS gateway answered ${response.status}: ${answer.slice(0, 300)}`;
    // 4xx says the request itself is wrong (a bad number, bad credentials): trying again changes nothing,
    // except for a timeout or a rate limit.
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      throw new PermanentDeliveryError(detail);
    }
    throw new Error(detail);
  }
}
