import type { MikroORM } from '@mikro-orm/postgresql';
import type { CalendarStore } from '../registry/calendars.js';
import type { NotificationQueues } from '../notifications/queues.js';
import { createDeadlineActivities } from './deadlines.js';
import { createProjectionActivities } from './projection.js';
import { createServiceActivities } from './services.js';

export interface ActivityDependencies {
  orm: MikroORM;
  calendars: CalendarStore;
  /** Where notify commands are handed over; without it they wait in the outbox for a relay. */
  notifications?: NotificationQueues;
  /** Service activities answered by a remote system (SERVICE_ENDPOINTS): activity → URL. */
  serviceEndpoints?: Readonly<Record<string, string>>;
}

/** Every activity the procedure workflow may schedule, built from the worker's dependencies. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createProjectionActivities(deps),
    ...createDeadlineActivities(deps),
    ...createServiceActivities(deps.serviceEndpoints),
  };
}

export type Activities = ReturnType<typeof createActivities>;
