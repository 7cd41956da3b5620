/**
 * OpenTelemetry tracing of a process, exported over OTLP/HTTP (JSON) to OTEL_EXPORTER_OTLP_ENDPOINT.
 * Without an endpoint no tracer provider is registered: OpenTelemetry's API then hands out
 * non-recording spans, and every span Mohla opens (request, statement, enqueue) costs a function call.
 * The context manager and the W3C propagator are registered either way (one AsyncLocalStorage): a
 * trace begun elsewhere (a caller's traceparent, the workflow's own spans) still reaches the headers
 * Temporal carries and the ids on the log lines.
 *
 * The packages are pinned to exact versions (package.json): @temporalio/interceptors-opentelemetry 1.24
 * is built on the OpenTelemetry JS 1.x line (SDK 1.30, API below 1.10), and a second copy of the SDK at
 * another version would keep its own tracer provider, breaking the parent–child links between the
 * request, the Temporal client and the worker.
 */
import { context, propagation, SpanStatusCode, trace, type Span, type SpanOptions } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface Tracing {
  /** Where the workflow's spans go too: the workflow sandbox hands them over through a sink. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Sends the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/** The name Mohla's own spans are made under. */
const TRACER = 'mohla';

let installed: Tracing | undefined;
let started = false;

/**
 * Registers the process's context manager and W3C propagator, and its tracer provider when an endpoint
 * is configured; once per process.
 */
export function startTracing(service: string, settings: { endpoint?: string; serviceName?: string }): Tracing | undefined {
  if (started) return installed;
  started = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (!settings.endpoint) return undefined;
  const resource = new Resource({ [ATTR_SERVICE_NAME]: settings.serviceName ?? service });
  const exporter = new OTLPTraceExporter({ url: `${settings.endpoint.replace(/\/+$/, '')}/v1/traces` });
  const spanProcessor = new BatchSpanProcessor(exporter);
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  trace.setGlobalTracerProvider(provider);
  installed = { spanProcessor, resource, shutdown: () => provider.shutdown() };
  return installed;
}

/** What the workflow sandbox's spans are handed to: the installed tracing's, or nowhere. */
export function workflowSpanTarget(): { spanProcessor: SpanProcessor; resource: Resource } {
  return installed ?? { spanProcessor: new NoopSpanProcessor(), resource: Resource.empty() };
}

/**
 * Runs `work` in a span of its own, a child of the active one; the span ends when it settles, marked as
 * an error if it throws. Outside any trace `work` runs bare: a statement or a queue write of its own (a
 * start-up read, a relay's poll) would be a trace of one span, noise at a collector.
 */
export async function inChildSpan<T>(name: string, options: SpanOptions, work: () => Promise<T>): Promise<T> {
  if (!trace.getActiveSpan()) return work();
  return trace.getTracer(TRACER).startActiveSpan(name, options, async (span: Span) => {
    try {
      return await work();
    } catch (err) {
      // The error's kind only: its message may quote a value (log-redaction.ts says why).
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
      throw err;
    } finally {
      span.end();
    }
  });
}
