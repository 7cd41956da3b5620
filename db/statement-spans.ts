/**
 * A span for every SQL statement, at the database seam rather than by patching the driver (patching
 * pg's module does not take under ESM): the plain-SQL helper (db/sql.ts) opens one around each
 * statement, and MikroORM's statements are followed through knex's query events. A span names the
 * statement's operation only: never its text's values, never its parameters, which hold people's data.
 */
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { MikroORM } from '@mikro-orm/postgresql';
import { inChildSpan } from '../infra/tracing.js';

const TRACER = 'mohla-db';

/** The statement's first keyword (`SELECT`, `INSERT`, `BEGIN`…): what it does, not what it touches. */
function operationOf(text: string): string {
  const word = /^\s*(?:\/\*.*?\*\/\s*)*([a-z]+)/is.exec(text)?.[1];
  return word ? word.toUpperCase() : 'UNKNOWN';
}

function attributes(operation: string) {
  return { 'db.system': 'postgresql', 'db.operation': operation };
}

/** Runs one statement in a client span named after its operation, when a trace is active. */
export function inStatementSpan<T>(text: string, run: () => Promise<T>): Promise<T> {
  const operation = operationOf(text);
  return inChildSpan(`postgresql ${operation}`, { kind: SpanKind.CLIENT, attributes: attributes(operation) }, run);
}

interface KnexQueryEvent {
  sql?: string;
  __knexQueryUid?: string;
}

interface KnexEvents {
  on(event: 'query', listener: (query: KnexQueryEvent) => void): unknown;
  on(event: 'query-response', listener: (response: unknown, query: KnexQueryEvent) => void): unknown;
  on(event: 'query-error', listener: (error: unknown, query: KnexQueryEvent) => void): unknown;
}

/**
 * Follows the ORM's statements: knex announces each one in the caller's async context, so the span is
 * the child of whatever span the caller runs in (an activity's), and ends when knex reports the answer.
 */
export function traceOrmStatements(orm: MikroORM): void {
  const knex = orm.em.getConnection().getKnex() as unknown as KnexEvents;
  const open = new Map<string, Span>();
  const tracer = trace.getTracer(TRACER);
  knex.on('query', (query) => {
    // As in the plain-SQL helper, a statement outside any trace gets no span of its own.
    if (!query.__knexQueryUid || !trace.getActiveSpan()) return;
    const operation = operationOf(query.sql ?? '');
    open.set(query.__knexQueryUid, tracer.startSpan(`postgresql ${operation}`, { kind: SpanKind.CLIENT, attributes: attributes(operation) }));
  });
  const close = (query: KnexQueryEvent, failed: unknown) => {
    const span = query.__knexQueryUid ? open.get(query.__knexQueryUid) : undefined;
    if (!span) return;
    open.delete(query.__knexQueryUid as string);
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: failed instanceof Error ? failed.name : 'error' });
    span.end();
  };
  knex.on('query-response', (_response, query) => close(query, undefined));
  knex.on('query-error', (error, query) => close(query, error ?? true));
}
