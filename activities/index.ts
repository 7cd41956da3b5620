import type { MikroORM } from '@mikro-orm/postgresql';
import type { CalendarStore } from '../registry/calendars.js';
import { createDeadlineActivities } from './deadlines.js';
import { createProjectionActivities } from './projection.js';
import { createServiceActivities } from './services.js';

export interface ActivityDependencies {
  orm: MikroORM;
  calendars: CalendarStore;
}

/** Every activity the procedure workflow may schedule, built from the worker's dependencies. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createProjectionActivities(deps),
    ...createDeadlineActivities(deps),
    ...createServiceActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;
