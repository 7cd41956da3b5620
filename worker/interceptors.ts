/**
 * The procedure worker's interceptors, assembled in one place: OpenTelemetry's (a span for the workflow
 * run and for each activity, the trace carried in Temporal's headers from the API's client through the
 * workflow to its activities), the trace ids on the activities' log lines, and the projection lag for
 * Prometheus (worker/projection-lag.ts) where the process counts it, and the incidents of activities past
 * their attempts and remote systems down (worker/incidents.ts) where the worker records them. Workflow-side
 * interceptors are modules bundled with the workflow code: infra/workflow-sandbox.ts lists them.
 */
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptors, ActivityInterceptorsFactory, WorkerInterceptors } from '@temporalio/worker';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Registry } from '../infra/metrics.js';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../infra/workflow-sandbox.js';
import { incidentActivityInterceptor } from './incidents.js';
import { projectionLagInterceptor } from './projection-lag.js';

/**
 * The SDK writes an activity's closing line ("Activity completed", "Activity failed") once the
 * interceptors have returned, outside the activity's span: the span's ids are kept from inside it so
 * that line carries them too.
 */
const traceIdsOnActivityLogs: ActivityInterceptorsFactory = (): ActivityInterceptors => {
  let ids: Record<string, string> = {};
  return {
    inbound: {
      execute(input, next) {
        const span = trace.getActiveSpan()?.spanContext();
        if (span && isSpanContextValid(span)) ids = { trace_id: span.traceId, span_id: span.spanId };
        return next(input);
      },
    },
    outbound: {
      getLogAttributes: (input, next) => next({ ...ids, ...input }),
    },
  };
};

/**
 * OpenTelemetry's first, so the activity's own span is open when the interceptors after it run. The
 * workflow-side modules are named only for a worker that bundles the workflow code itself: a prebuilt
 * bundle has them already (workflowBundleOptions), and the SDK warns at every start when they are given
 * beside one.
 */
export function workerInterceptors(options: { metrics?: Registry; incidents?: { orm: MikroORM; attempts: number }; prebuiltBundle?: boolean } = {}): WorkerInterceptors {
  return {
    activity: [
      (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
      traceIdsOnActivityLogs,
      ...(options.metrics ? [projectionLagInterceptor(options.metrics)] : []),
      ...(options.incidents ? [incidentActivityInterceptor(options.incidents.orm, options.incidents.attempts)] : []),
    ],
    ...(options.prebuiltBundle ? {} : { workflowModules: WORKFLOW_INTERCEPTOR_MODULES }),
  };
}
