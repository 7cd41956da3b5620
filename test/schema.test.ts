/**
 * The entities (db/entities.ts) and the committed migrations describe the same schema, and the column
 * lists of the statements written by hand name the columns MikroORM maps: a table is defined once, so
 * an entity changed without a migration, or a column renamed by hand, fails here.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { EntitySchema } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import { columnsOf, entities } from '../db/entities.js';
import { migrate, openOrm } from '../db/orm.js';
import { createDatabaseIfMissing, dropDatabase } from '../infra/services.js';

// Taken before MikroORM discovers the entities, as the projection's statement is built at import.
const handWritten = new Map(entities.map((entity) => [entity.meta.className, columnsOf(entity as EntitySchema<object>)]));

const url = new URL(inject('databaseUrl'));
url.pathname = `/mohla_t_schema_${randomBytes(4).toString('hex')}`;
let orm: MikroORM;

beforeAll(async () => {
  await createDatabaseIfMissing(url.href);
  orm = await openOrm(url.href, { pool: { min: 0, max: 1 } });
  await migrate(orm);
});
afterAll(async () => {
  await orm?.close(true);
  await dropDatabase(url.href);
});

it('the migrations build the schema the entities describe', async () => {
  expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
});

it('the hand-written statements name every column as MikroORM maps it', () => {
  for (const meta of orm.getMetadata().getAll().values()) {
    const mapped = Object.fromEntries(Object.values(meta.properties).map((property) => [property.fieldNames[0], property.name]));
    expect(handWritten.get(meta.className), meta.className).toEqual(mapped);
  }
});
