export const CHANNELS = ['sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LANGUAGES = ['ar', 'fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const isLanguage = (value: unknown): value is Language => LANGUAGES.includes(value as Language);
export const isChannel = (value: unknown): value is Channel => CHANNELS.includes(value as Channel);

/** One message to one address, ready to leave. */
export interface OutgoingMessage {
  /** The delivery's job id: the same for every attempt, so a provider can deduplicate on it. */
  id: string;
  channel: Channel;
  /** A phone number in E.164 form (+212…) or an e-mail address. */
  to: string;
  language: Language;
  /** E-mail subject; an SMS carries the text alone. */
  subject: string;
  text: string;
}

export interface DeliveryReceipt {
  /** What the provider calls the message, for support requests to it. */
  providerMessageId?: string;
}

/** Whatever carries messages of one channel out of Mohla. */
export interface NotificationProvider {
  readonly name: string;
  /**
   * Whether sending the same message id twice delivers it once. Only such a provider may be handed a
   * message again after a worker died in the middle of sending it; for the others the message goes to
   * the failed list, because nobody can tell whether it left.
   */
  readonly idempotent: boolean;
  send(message: OutgoingMessage): Promise<DeliveryReceipt>;
  close?(): Promise<void>;
}

/** The provider refused the message for good (a malformed number, an unknown mailbox): retrying is useless. */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}

/** Job data of the queue that turns one outbox row into deliveries. */
export interface DispatchJob {
  key: string;
}

/** Job data of a channel's queue: one delivery row. */
export interface DeliveryJob {
  key: string;
  channel: Channel;
  recipient: string;
}
