/**
 * Connections the server ends while they are lent out (a restart, a failover, an administrator) leave the
 * pool: MikroORM's own transactions, the plain-SQL helper's, single statements. Otherwise each would hold
 * a place in the pool for good, the pool would run dry after as many losses as it has places, and
 * closing the ORM would wait forever.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import { migrate, openOrm } from '../db/orm.js';
import { query, transaction } from '../db/sql.js';
import { createDatabaseIfMissing, dropDatabase } from '../infra/services.js';

const url = new URL(inject('databaseUrl'));
url.pathname = `/mohla_t_loss_${randomBytes(4).toString('hex')}`;
let orm: MikroORM;
let admin: MikroORM;
let pool: Pool;

beforeAll(async () => {
  await createDatabaseIfMissing(url.href);
  orm = await openOrm(url.href, { pool: { min: 0, max: 4 } });
  admin = await openOrm(url.href, { pool: { min: 0, max: 1 } });
  await migrate(orm);
  pool = await orm.em.getConnection().getNativeClient();
});
afterAll(async () => {
  await admin?.close(true);
  await dropDatabase(url.href);
});

/** Ends every other connection to the test database once `work` is under way, and waits for `work`. */
async function cutDuring(work: Promise<unknown>): Promise<void> {
  // Taken at once: the victim may hear of its end before the terminating statement answers.
  const outcome = work.then(
    () => undefined,
    (err: unknown) => err,
  );
  await new Promise((r) => setTimeout(r, 150));
  await admin.em.getConnection().execute('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
  expect(await outcome).toBeInstanceOf(Error);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How many connections the pool holds once the ended ones are gone: a statement answered with the
 * server's error gives its connection back before the socket closes, and the pool drops it a moment later.
 */
async function pooled(): Promise<number> {
  for (let waited = 0; pool.totalCount > 0 && waited < 2_000; waited += 50) await pause(50);
  return pool.totalCount;
}

it('a connection lost between two statements of an ORM transaction leaves the pool', async () => {
  await cutDuring(
    orm.em.fork().transactional(async (em) => {
      await em.execute('select 1');
      await pause(500);
      await em.execute('select 2');
    }),
  );
  expect(await pooled()).toBe(0);
});

it('a connection lost during a statement of an ORM transaction leaves the pool', async () => {
  await cutDuring(orm.em.fork().transactional((em) => em.execute('select pg_sleep(2)')));
  expect(await pooled()).toBe(0);
});

it('a connection lost in a plain-SQL transaction or statement leaves the pool', async () => {
  await cutDuring(
    transaction(orm, async (sql) => {
      await sql('select 1');
      await pause(500);
      await sql('select 2');
    }),
  );
  expect(await pooled()).toBe(0);
  await cutDuring(query(orm, 'select pg_sleep(2)'));
  expect(await pooled()).toBe(0);
});

it('the pool serves again afterwards, and the ORM closes', async () => {
  expect(await query(orm, 'select 1 as one')).toEqual([{ one: 1 }]);
  expect(await orm.em.fork().execute('select 2 as two')).toEqual([{ two: 2 }]);
  await orm.close(true);
  expect(pool.totalCount).toBe(0);
});
