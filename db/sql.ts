/**
 * Plain parameterised SQL on a connection of the ORM's own pool, for the paths that run for every
 * application (the projection write, the API's look-ups): there the query builder and entity hydration
 * cost more CPU than PostgreSQL spends on the queries. Same pool, same limits, same connection checks.
 *
 * Each statement is prepared once per connection under a name derived from its text, so PostgreSQL
 * parses and plans it once instead of at every call (the projection statement is long). Texts must
 * therefore be constants: values go in parameters, never into the text. A connection pooler in front of
 * PostgreSQL must keep prepared statements (PgBouncer 1.21+ with `max_prepared_statements`).
 */
import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ClientBase, QueryResultRow } from 'pg';
import { inStatementSpan } from './statement-spans.js';

/** The pool knex keeps for MikroORM: acquire and release are what knex itself uses for its queries. */
interface KnexPoolClient {
  acquireConnection(): Promise<ClientBase>;
  releaseConnection(connection: ClientBase): Promise<void>;
}

function poolOf(orm: MikroORM): KnexPoolClient {
  return orm.em.getConnection().getKnex().client as unknown as KnexPoolClient;
}

const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `mohla_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return name;
}

export type Sql = <R extends QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]) => Promise<R[]>;

/**
 * Runs `work` on one pooled connection. A connection that broke (the server ended it) is marked by knex's
 * own error listener and dropped from the pool when next acquired, as with any knex query.
 */
export async function withSql<T>(orm: MikroORM, work: (sql: Sql) => Promise<T>): Promise<T> {
  const pool = poolOf(orm);
  const connection = await pool.acquireConnection();
  const sql: Sql = (text, values) => inStatementSpan(text, async () => (await connection.query({ name: statementName(text), text, values: values as unknown[] })).rows);
  try {
    return await work(sql);
  } finally {
    await pool.releaseConnection(connection);
  }
}

/** One query on a pooled connection. */
export function query<R extends QueryResultRow = Record<string, unknown>>(orm: MikroORM, text: string, values?: unknown[]): Promise<R[]> {
  return withSql(orm, (sql) => sql<R>(text, values));
}

/**
 * One statement sent as it is, not prepared: for texts built at run time that are run once (DDL, whose
 * identifiers cannot be parameters), which would otherwise each keep a prepared statement and a name.
 */
export async function runOnce(orm: MikroORM, text: string): Promise<void> {
  const pool = poolOf(orm);
  const connection = await pool.acquireConnection();
  try {
    await inStatementSpan(text, () => connection.query(text));
  } finally {
    await pool.releaseConnection(connection);
  }
}

/** Whether PostgreSQL answers: a trivial query on a pooled connection. */
export async function databaseAnswers(orm: MikroORM): Promise<void> {
  await query(orm, 'select 1');
}

/** Runs `work` in one transaction on one pooled connection: committed when it returns, rolled back when it throws. */
export function transaction<T>(orm: MikroORM, work: (sql: Sql) => Promise<T>): Promise<T> {
  return withSql(orm, async (sql) => {
    await sql('begin');
    try {
      const result = await work(sql);
      await sql('commit');
      return result;
    } catch (err) {
      await sql('rollback');
      throw err;
    }
  });
}
