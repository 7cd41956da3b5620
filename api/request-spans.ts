/**
 * A server span for every request, named after the route pattern fastify matched (`POST /applications`,
 * `GET /applications/:trackingNumber`), never the URL asked for: a URL holds tracking numbers, and a
 * query string may hold a PIN. Everything the request does runs in the span's context, so the Temporal
 * client's call (start workflow, signal, update, query) is its child and carries it on to the worker.
 * The request's log lines carry the span's trace and span ids beside the request id.
 *
 * Hand-written rather than @fastify/otel, which needs the OpenTelemetry 2.x line the SDK's interceptors
 * (1.x) do not agree with. Without tracing (no exporter registered) the spans are non-recording.
 */
import type { IncomingMessage } from 'node:http';
import { context, isSpanContextValid, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';

const TRACER = 'mohla-api';
/** What a request that matched no route is named after: its URL could be anything. */
const UNMATCHED = 'unmatched';

const spans = new WeakMap<IncomingMessage, Span>();

/** The request's span, opened on first asking: by the request's logger, or by the first hook. */
function spanOf(raw: IncomingMessage): Span {
  let span = spans.get(raw);
  if (!span) {
    // A caller's W3C traceparent makes this request part of its trace.
    const parent = propagation.extract(ROOT_CONTEXT, raw.headers);
    span = trace.getTracer(TRACER).startSpan(`${raw.method ?? 'HTTP'}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': raw.method ?? '' } }, parent);
    spans.set(raw, span);
  }
  return span;
}

/** The ids a request's log lines carry, when the request is traced. */
function traceBindings(span: Span): Record<string, string> {
  const ids = span.spanContext();
  return isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
}

export function registerRequestSpans(app: FastifyInstance): void {
  // Before the request's first line ("incoming request"): fastify makes the request's logger first.
  app.setChildLoggerFactory((logger, bindings, options, raw) => logger.child({ ...bindings, ...traceBindings(spanOf(raw as IncomingMessage)) }, options));

  app.addHook('onRequest', (request, _reply, done) => {
    const span = spanOf(request.raw);
    const route = request.routeOptions.url ?? UNMATCHED;
    span.updateName(`${request.method} ${route}`);
    span.setAttribute('http.route', route);
    const active = trace.setSpan(context.active(), span);
    // The body arrives in the socket's events, outside this call: its listeners are bound to the span too.
    context.bind(active, request.raw);
    context.with(active, done);
  });

  const end = (raw: IncomingMessage, status: number | undefined) => {
    const span = spans.get(raw);
    if (!span) return;
    spans.delete(raw);
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    if (status === undefined || status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  app.addHook('onResponse', async (request, reply) => end(request.raw, reply.statusCode));
  app.addHook('onRequestAbort', async (request) => end(request.raw, undefined));
}
