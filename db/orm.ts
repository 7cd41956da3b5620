import path from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { PROJECT_ROOT } from '../infra/config.js';
import { entities } from './entities.js';
import { migrationsList } from '../migrations/index.js';
import { traceOrmStatements } from './statement-spans.js';
import { releaseLostConnections } from './sql.js';

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');

function ormOptions(databaseUrl: string, overrides: Partial<Options> = {}): Options {
  return {
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      migrationsList,
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      snapshot: true,
      snapshotName: '.snapshot-mohla',
      silent: true,
      // The snapshot is what the entities were at the last migration written, so only writing one changes
      // it; rewritten from whatever database a run migrated, it would follow that database instead.
      snapshotOnMigrate: false,
    },
    // The audit log's append-only trigger and chain function are written by hand in their migrations
    // (MikroORM 6 did not manage either): no entity declares them, and nothing may drop them.
    schemaGenerator: { ignoreTriggers: true, ignoreRoutines: true },
    pool: { min: 0, max: 10 },
    // pg's pool waits for a free connection without end by default; knex gave up after 60 s, and a
    // request that waits longer has lost its caller anyway (api/problem.ts answers 503 for it).
    driverOptions: { connectionTimeoutMillis: 60_000 },
    onCreateConnection: traceOrmStatements,
    debug: false,
    ...overrides,
  };
}

export async function openOrm(databaseUrl: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(databaseUrl, overrides));
  await releaseLostConnections(orm);
  return orm;
}

/** Applies the committed migrations that the database has not seen yet; returns their names. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((m) => m.name);
}
