/**
 * A span for every SQL statement, at the database seam rather than by patching the driver (patching
 * pg's module does not take under ESM): the plain-SQL helper (db/sql.ts) opens one around each
 * statement, and MikroORM's statements are followed on each connection its pool opens. A span names the
 * statement's operation only: never its text's values, never its parameters, which hold people's data.
 */
import { SpanKind } from '@opentelemetry/api';
import { inChildSpan } from '../infra/tracing.js';

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

/** What MikroORM's query builder (kysely) runs a statement through on one pooled connection. */
interface KyselyConnection {
  executeQuery(query: { sql: string }): Promise<unknown>;
}

/**
 * Follows the ORM's statements: MikroORM hands each new connection of its pool over once, before its
 * first statement, and every statement it sends afterwards (its own `begin` and `commit` included) is
 * awaited in the caller's async context, so the span is the child of whatever span the caller runs in
 * (an activity's) and ends when the answer came.
 */
export function traceOrmStatements(connection: unknown): Promise<void> {
  const kysely = connection as KyselyConnection;
  const run = kysely.executeQuery.bind(kysely);
  kysely.executeQuery = (query) => inStatementSpan(query.sql, () => run(query));
  return Promise.resolve();
}
