import type { Client } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { CalendarStore } from '../registry/calendars.js';
import type { DocumentStorage } from '../documents/storage.js';
import type { NotificationQueues } from '../notifications/queues.js';
import type { OidcSettings, TokenRules } from '../infra/config.js';
import type { OidcVerifierOptions } from './oidc.js';
import type { Office } from '../registry/offices.js';
import type { ProcedureRegistry } from '../registry/published.js';

/** What the routes need from the outside world; built once by the server or a test. */
export interface ApiContext {
  temporal: Client;
  taskQueue: string;
  orm: MikroORM;
  redis: Redis;
  procedures: ProcedureRegistry;
  calendars: CalendarStore;
  storage: DocumentStorage;
  notifications: NotificationQueues;
  /** The offices citizens can file with. */
  offices: Office[];
  /** Signs tokens and receipt PINs. */
  secret: string;
  /** Lifetime and clock rules every bearer token must meet (default: 12 h, 60 s of skew). */
  tokens?: TokenRules;
  /** The OpenID provider whose tokens are accepted, when one is configured. */
  oidc?: OidcSettings;
  /** Tests: a shorter cool-down between two fetches of the provider's keys. */
  oidcOptions?: OidcVerifierOptions;
  /**
   * Development and tests only: anyone may get a token for any person (`POST /auth/demo-token`), so the
   * portal can be tried without an identity provider. Never on in production.
   */
  demoSignIn?: boolean;
}
