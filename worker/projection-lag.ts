/**
 * Projection lag for Prometheus: the time from the workflow deciding a transition (the moment it
 * scheduled the projection activity, the first attempt's when retried) to that transition written in
 * PostgreSQL. It is how late the inbox and the applications' pages are behind Temporal; retries while
 * PostgreSQL is away show as a growing lag.
 *
 * An activity interceptor rather than code in the activity: the activity stays callable outside a worker
 * (`mohla projections rebuild` runs it without any Temporal context), and the measure needs the SDK's
 * activity info, which only the worker has.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { Histogram, type Registry } from 'prom-client';
import type { Activities } from '../activities/index.js';

/** The activity whose writes are timed: a rename in activities/projection.ts fails the type check here. */
const PROJECTION_ACTIVITY: keyof Activities = 'recordProjection';

export function projectionLagInterceptor(registry: Registry): ActivityInterceptorsFactory {
  const lag = new Histogram({
    name: 'mohla_projection_lag_seconds',
    help: "Time from the workflow scheduling a projection write to the write's end in PostgreSQL (retries included); `mode` local or remote activity.",
    labelNames: ['mode'],
    // From a write at once to one retried for minutes while PostgreSQL is away.
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  });
  return (context) => ({
    inbound: {
      async execute(input, next) {
        const result = await next(input);
        const { activityType, scheduledTimestampMs, isLocal } = context.info;
        if (activityType === PROJECTION_ACTIVITY) lag.observe({ mode: isLocal ? 'local' : 'remote' }, Math.max(0, Date.now() - scheduledTimestampMs) / 1000);
        return result;
      },
    },
  });
}
