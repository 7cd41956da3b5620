import type { Client } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import type { CalendarStore } from '../registry/calendars.js';
import type { DocumentStorage } from '../documents/storage.js';
import type { NotificationQueues } from '../notifications/queues.js';
import type { Office } from '../registry/offices.js';
import type { CodecEndpointSettings } from './routes/codec.js';
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
  /**
   * Development and tests only: anyone may get a token for any person (`POST /auth/demo-token`), so the
   * portal can be tried without an identity provider. Never on in production.
   */
  demoSignIn?: boolean;
  /** The Temporal UI's codec endpoint (/codec): its UI origins and session cookie; none allowed when absent. */
  codecEndpoint?: Partial<CodecEndpointSettings>;
}
