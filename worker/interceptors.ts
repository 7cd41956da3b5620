/**
 * The worker's interceptors, assembled in one place so that each concern (incidents here, and any other
 * added beside it) adds its own without the worker's set-up knowing their order.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { WorkerOptions } from '@temporalio/worker';
import { incidentActivityInterceptor } from './incidents.js';

export interface InterceptorSettings {
  orm: MikroORM;
  /** Attempts of one activity before it is recorded as an incident. */
  incidentAttempts: number;
}

export function workerInterceptors(settings: InterceptorSettings): NonNullable<WorkerOptions['interceptors']> {
  return { activity: [incidentActivityInterceptor(settings.orm, settings.incidentAttempts)] };
}
