import type { MikroORM } from '@mikro-orm/postgresql';
import { createProjectionActivities } from './projection.js';

export interface ActivityDependencies {
  orm: MikroORM;
}

/** Every activity the procedure workflow may schedule, built from the worker's dependencies. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createProjectionActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
