import type { Client } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { CalendarStore } from '../registry/calendars.js';
import type { DocumentStorage } from '../documents/storage.js';
import type { DocumentKeyRing } from '../documents/signatures.js';
import type { PadesSigner } from '../documents/pades.js';
import type { RateLimitSettings } from './rate-limits.js';
import type { NotificationQueues } from '../notifications/queues.js';
import type { OidcSettings, TokenRules } from '../infra/config.js';
import type { OidcVerifierOptions } from './oidc.js';
import type { Office } from '../registry/offices.js';
import type { ProcedureRegistry } from '../registry/published.js';
import type { Registry } from '../infra/metrics.js';

/** The Temporal UI's codec endpoint (api/routes/codec.ts), as the configuration sets it. */
export interface CodecEndpointSettings {
  /** Origins of the Temporal UI allowed to call with credentials (TEMPORAL_UI_ORIGINS). */
  uiOrigins: readonly string[];
  /** Lifetime of the session cookie (CODEC_SESSION_MINUTES). */
  sessionMinutes: number;
  /** Production: the cookie only travels over HTTPS. */
  secureCookie: boolean;
}

/** What the routes need from the outside world; built once by the server or a test. */
export interface ApiContext {
  temporal: Client;
  taskQueue: string;
  orm: MikroORM;
  redis: Redis;
  procedures: ProcedureRegistry;
  calendars: CalendarStore;
  storage: DocumentStorage;
  /** The keys that verify issued documents and that /.well-known/mohla-document-keys.json publishes; documentKeyRing() when not given. */
  documentKeys?: DocumentKeyRing;
  /** The portal's address printed on re-issued documents (PUBLIC_URL); the configuration's when not given. */
  publicUrl?: string;
  /** The PAdES signature's certificate for re-issued documents (DOCUMENT_PADES_P12); none: Ed25519 only. */
  pades?: PadesSigner;
  notifications: NotificationQueues;
  /** The offices citizens can file with. */
  offices: Office[];
  /** Most files one document of an application may hold (DOCUMENT_FILES_PER_SLOT when not given). */
  documentFilesPerSlot?: number;
  /** Limits on sign-in, filing and tracking (the server passes the configured ones); none when not given. */
  rateLimits?: RateLimitSettings;
  /** Signs tokens and receipt PINs. */
  secret: string;
  /** Lifetime and clock rules every bearer token must meet (default: 12 h, 60 s of skew). */
  tokens?: TokenRules;
  /** The OpenID provider whose tokens are accepted, when one is configured; the pages' security policy lets them call it. */
  oidc?: OidcSettings;
  /** Tests: a shorter cool-down between two fetches of the provider's keys. */
  oidcOptions?: OidcVerifierOptions;
  /**
   * Development and tests only: anyone may get a token for any person (`POST /auth/demo-token`), so the
   * portal can be tried without an identity provider. Never on in production.
   */
  demoSignIn?: boolean;
  /** The Temporal UI's codec endpoint (/codec): its UI origins and session cookie; none allowed when absent. */
  codecEndpoint?: Partial<CodecEndpointSettings>;
  /** The process's Prometheus registry, which counts the API's requests; none counted when absent. */
  metrics?: Registry;
}
