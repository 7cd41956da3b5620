/**
 * Logs name what failed and where, never what a person wrote: Law 09-08 data must not reach log files,
 * which outlive every retention rule. Errors are the way in: a database layer's message may carry the SQL
 * with its values inlined (knex did), PostgreSQL's `detail` the failing row, and messages of every kind quote
 * the value they refuse. What a log keeps of an error is its kind, its codes, the schema objects it
 * names, its message with the SQL and every quoted value taken out, and its stack frames.
 */

export interface LoggableError {
  type: string;
  message: string;
  /** A driver's or PostgreSQL's code (SQLSTATE), or an application failure's type. */
  code?: string;
  /** PostgreSQL's names of what refused the row: schema objects, not values. */
  constraint?: string;
  table?: string;
  column?: string;
  stack?: string;
  cause?: LoggableError;
}

const QUOTED = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g;
const SQL_START = /^\s*(select|insert|update|delete|with|call|create|alter|drop|truncate)\b/i;
const MAX_MESSAGE = 500;

/** A message with any SQL before the driver's own words cut off, and every quoted value masked. */
export function loggableMessage(message: string): string {
  // Values first: a value inlined in SQL is quoted, so a " - " inside one is gone before the cut below.
  let text = message.replace(QUOTED, '"…"');
  // `<sql with values> - <database's message>[ - hint: …]`, as knex under MikroORM 6 wrote it: MikroORM 7
  // keeps the database's message, but an error from any layer that prefixes the SQL is still cut here.
  if (SQL_START.test(text)) text = text.includes(' - ') ? text.slice(text.indexOf(' - ') + 3) : '(SQL statement)';
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

const stringField = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

export function loggableError(err: unknown, depth = 0): LoggableError {
  if (!(err instanceof Error)) return { type: typeof err, message: loggableMessage(String(err)) };
  const fields = err as Error & Record<string, unknown>;
  const frames = (err.stack ?? '').split('\n').filter((line) => line.trim().startsWith('at '));
  const code = stringField(fields.sqlState) ?? stringField(fields.code) ?? stringField(fields.type);
  const result: LoggableError = { type: err.name, message: loggableMessage(err.message) };
  if (code) result.code = code;
  for (const key of ['constraint', 'table', 'column'] as const) {
    const value = stringField(fields[key]);
    if (value) result[key] = value;
  }
  if (frames.length) result.stack = `${result.type}: ${result.message}\n${frames.join('\n')}`;
  if (err.cause !== undefined && depth < 3) result.cause = loggableError(err.cause, depth + 1);
  return result;
}

/** Log metadata with every error made loggable and every quoted value in failure texts masked. */
export function loggableMeta<M extends Record<string | symbol, unknown>>(meta: M | undefined): M | undefined {
  if (!meta) return meta;
  const safe: Record<string | symbol, unknown> = {};
  // The SDK passes its timestamp under a symbol.
  for (const symbol of Object.getOwnPropertySymbols(meta)) safe[symbol] = meta[symbol];
  for (const [key, value] of Object.entries(meta)) {
    if (value instanceof Error) safe[key] = loggableError(value);
    else if (typeof value === 'string' && /error|failure|reason|message|cause/i.test(key)) safe[key] = loggableMessage(value);
    else safe[key] = value;
  }
  return safe as M;
}
