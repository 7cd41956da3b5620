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
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { inStatementSpan } from './statement-spans.js';

/** The `pg` pool MikroORM runs its own statements on (through kysely), with its limits and type parsers. */
function poolOf(orm: MikroORM): Promise<Pool> {
  return orm.em.getConnection().getNativeClient();
}

/**
 * Gives a connection the server ended while it was lent out back to the pool at once, which drops it.
 * MikroORM 7's query layer (kysely) keeps a transaction's connection until its rollback succeeds, which on
 * a dead connection it never does: each connection lost in a transaction would otherwise hold a place in
 * the pool for good, and closing the ORM would wait for it forever. The holder's own release, if it ever
 * comes, then does nothing. Called once, as the ORM opens.
 */
export async function releaseLostConnections(orm: MikroORM): Promise<void> {
  const pool = await poolOf(orm);
  const watching = new WeakMap<PoolClient, () => void>();
  pool.on('acquire', (client) => {
    const ended = () => {
      watching.delete(client);
      const release = client.release;
      client.release = () => undefined;
      release();
    };
    watching.set(client, ended);
    client.once('end', ended);
  });
  pool.on('release', (_err, client) => {
    const ended = watching.get(client);
    if (!ended) return;
    watching.delete(client);
    client.removeListener('end', ended);
  });
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
 * Runs `work` on one pooled connection. A connection that broke (the server ended it) is no longer
 * queryable, and the pool drops it on release instead of handing it out again, as it does for the ORM's.
 */
export async function withSql<T>(orm: MikroORM, work: (sql: Sql) => Promise<T>): Promise<T> {
  const connection = await (await poolOf(orm)).connect();
  const sql: Sql = (text, values) => inStatementSpan(text, async () => (await connection.query({ name: statementName(text), text, values: values as unknown[] })).rows);
  try {
    return await work(sql);
  } finally {
    connection.release();
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
  const connection = await (await poolOf(orm)).connect();
  try {
    await inStatementSpan(text, () => connection.query(text));
  } finally {
    connection.release();
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
