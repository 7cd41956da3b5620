import type { MikroORM } from '@mikro-orm/postgresql';
import type { CalendarStore } from '../registry/calendars.js';
import type { NotificationQueues } from '../notifications/queues.js';
import type { PadesSigner } from '../documents/pades.js';
import type { DocumentStorage } from '../documents/storage.js';
import type { Office } from '../registry/offices.js';
import { createDeadlineActivities } from './deadlines.js';
import { createDocumentActivities } from './issued-documents.js';
import { createProjectionActivities } from './projection.js';
import { createServiceActivities } from './services.js';

export interface ActivityDependencies {
  orm: MikroORM;
  calendars: CalendarStore;
  /** Where notify commands are handed over; without it they wait in the outbox for a relay. */
  notifications?: NotificationQueues;
  /** Service activities answered by a remote system (SERVICE_ENDPOINTS): activity → URL. */
  serviceEndpoints?: Readonly<Record<string, string>>;
  /** Where issued documents are kept; a worker without it cannot issue any. */
  storage?: DocumentStorage;
  /** The office directory, for the office's name on issued documents. */
  offices?: readonly Office[];
  /** Where `/verify/<code>` is served, printed on issued documents. */
  publicUrl?: string;
  /** The office's certificate for the PAdES signature inside issued PDFs; none: Ed25519 only. */
  pades?: PadesSigner;
}

/** Every activity the procedure workflow may schedule, built from the worker's dependencies. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createProjectionActivities(deps),
    ...createDeadlineActivities(deps),
    ...createServiceActivities(deps.serviceEndpoints),
    ...createDocumentActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
