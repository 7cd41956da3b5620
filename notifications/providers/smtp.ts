import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { PermanentDeliveryError, type DeliveryReceipt, type NotificationProvider, type OutgoingMessage } from '../types.js';

export interface SmtpSettings {
  /** smtp://user:password@host:port or smtps://… (nodemailer's connection URL). */
  url: string;
  from: string;
}

/** The domain of the sender, for Message-IDs: "Mohla <no-reply@commune.ma>" gives commune.ma. */
function senderDomain(from: string): string {
  return /@([^>\s]+)/.exec(from)?.[1] ?? 'mohla.local';
}

/**
 * E-mail over SMTP. SMTP has no idempotency key: a server that accepted a message and lost the
 * connection before saying so cannot be asked whether it did, so this provider is not idempotent. Each
 * message still carries a Message-ID derived from its delivery id, which lets mail clients and archives
 * fold a duplicate into the original.
 */
export class SmtpProvider implements NotificationProvider {
  readonly name = 'smtp';
  readonly idempotent = false;
  private readonly transport;
  private readonly domain: string;

  constructor(private readonly settings: SmtpSettings) {
    this.transport = nodemailer.createTransport(settings.url);
    this.domain = senderDomain(settings.from);
  }

  async send(message: OutgoingMessage): Promise<DeliveryReceipt> {
    const digest = createHash('sha256').update(message.id).digest('hex').slice(0, 32);
    try {
      const info = await this.transport.sendMail({
        from: this.settings.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: `<${digest}@${this.domain}>`,
        headers: { 'X-Mohla-Delivery': message.id, 'Content-Language': message.language },
      });
      return { providerMessageId: info.messageId };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      // 5xx is the server's final word (no such mailbox, refused); 4xx and network errors may pass later.
      if (code !== undefined && code >= 500 && code < 600) throw new PermanentDeliveryError(`SMTP ${code}: ${(err as Error).message}`);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
