import path from 'node:path';
import { ConfigError, env, loadConfig, parseRate, positiveInteger, type Config, type Rate } from '../infra/config.js';
import { OutboxProvider } from './providers/outbox.js';
import { SmsGatewayProvider } from './providers/sms-gateway.js';
import { SmtpProvider } from './providers/smtp.js';
import type { QueueSettings } from './queues.js';
import { isLanguage, type Channel, type Language, type NotificationProvider } from './types.js';


export interface NotificationSettings extends QueueSettings {
  providers: Record<Channel, NotificationProvider>;
  rates: Record<Channel, Rate>;
  defaultLanguage: Language;
}

function smsProvider(config: Config, source: NodeJS.ProcessEnv): NotificationProvider {
  const choice = env('NOTIFY_SMS_PROVIDER', source);
  if (choice === 'outbox') return new OutboxProvider(path.join(config.dataDir, 'outbox'));
  if (choice !== 'gateway') throw new ConfigError(`NOTIFY_SMS_PROVIDER=${choice}: use outbox or gateway.`);
  const url = env('SMS_GATEWAY_URL', source);
  if (!url) throw new ConfigError('NOTIFY_SMS_PROVIDER=gateway needs SMS_GATEWAY_URL.');
  const authorization = env('SMS_GATEWAY_AUTHORIZATION', source);
  return new SmsGatewayProvider({ url, payload: env('SMS_GATEWAY_PAYLOAD', source), ...(authorization ? { authorization } : {}) });
}

function emailProvider(config: Config, source: NodeJS.ProcessEnv): NotificationProvider {
  const choice = env('NOTIFY_EMAIL_PROVIDER', source);
  if (choice === 'outbox') return new OutboxProvider(path.join(config.dataDir, 'outbox'));
  if (choice !== 'smtp') throw new ConfigError(`NOTIFY_EMAIL_PROVIDER=${choice}: use outbox or smtp.`);
  const url = env('SMTP_URL', source);
  if (!url) throw new ConfigError('NOTIFY_EMAIL_PROVIDER=smtp needs SMTP_URL.');
  return new SmtpProvider({ url, from: env('SMTP_FROM', source) });
}

/** The queues' settings alone: what the API and the activities need to hand work over. */
export function loadQueueSettings(config: Config = loadConfig(), source: NodeJS.ProcessEnv = process.env): QueueSettings {
  return {
    redisUrl: config.redisUrl,
    prefix: env('NOTIFY_QUEUE_PREFIX', source),
    attempts: positiveInteger('NOTIFY_ATTEMPTS', source),
    backoffMs: positiveInteger('NOTIFY_BACKOFF_MS', source),
  };
}

export function loadNotificationSettings(config: Config = loadConfig(), source: NodeJS.ProcessEnv = process.env): NotificationSettings {
  const language = env('NOTIFY_DEFAULT_LANGUAGE', source);
  if (!isLanguage(language)) throw new ConfigError(`NOTIFY_DEFAULT_LANGUAGE=${language}: use ar, fr or en.`);
  return {
    ...loadQueueSettings(config, source),
    providers: { sms: smsProvider(config, source), email: emailProvider(config, source) },
    rates: { sms: parseRate('NOTIFY_SMS_RATE', env('NOTIFY_SMS_RATE', source)), email: parseRate('NOTIFY_EMAIL_RATE', env('NOTIFY_EMAIL_RATE', source)) },
    defaultLanguage: language,
  };
}
