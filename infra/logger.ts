/**
 * Mohla's one logger: pino, one JSON object a line, at LOG_LEVEL, in every process (the API, the worker
 * with its notification worker, the CLI). Each line has `level` (its name), `time` (ISO 8601), `service`
 * and `msg`, the ids of the trace it belongs to when one is active, and never a person's data: fields
 * that hold it and the headers that carry credentials are censored wherever they appear, on top of the
 * error serializers (infra/log-redaction.ts) that strip quoted values from messages.
 */
import { hostname } from 'node:os';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, stdTimeFunctions, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Field names that hold a person's data in a form, a recipient or a staff member, at any depth up to two. */
const PERSONAL_FIELDS = ['fullName', 'firstName', 'lastName', 'cin', 'phone', 'email', 'address', 'birthDate', 'data', 'pin'];
const CREDENTIAL_HEADERS = ['authorization', 'cookie', '"set-cookie"', '"x-codec-session"'];

const REDACT_PATHS = [
  ...PERSONAL_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  ...CREDENTIAL_HEADERS.flatMap((header) => [`headers.${header}`, `req.headers.${header}`, `res.headers.${header}`]),
];

/** The trace and span a line was written in, as OpenTelemetry's log data model names them. */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  const context = span?.spanContext();
  return context && isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId } : {};
}

/**
 * pino's options for a Mohla process: the API hands them to fastify, the others to pino itself. The API
 * binds a request's trace ids to the request's logger (api/request-spans.ts) and asks for no more:
 * pino would write the same key twice.
 */
export function loggerOptions(service: string, level: string, { traceFromContext = true } = {}): LoggerOptions {
  return {
    level,
    // pid and hostname say which process of several wrote the line; the service says which kind it is.
    base: { service, pid: process.pid, hostname: hostname() },
    timestamp: stdTimeFunctions.isoTime,
    // Level names read better than pino's numbers, in a terminal and in a log store's queries.
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(traceFromContext ? { mixin: traceFields } : {}),
  };
}

/** A process's logger; standard output unless told (the CLI writes its logs to standard error). */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(service, level), destination) : pino(loggerOptions(service, level));
}

/** Standard error, for processes whose standard output is their answer (the CLI's `--json`). */
export function standardError(): DestinationStream {
  return pino.destination(2);
}
