import path from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { PROJECT_ROOT } from '../infra/config.js';
import { entities } from './entities.js';
import { migrationsList } from '../migrations/index.js';
import { traceOrmStatements } from './statement-spans.js';

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
    },
    pool: { min: 0, max: 10 },
    debug: false,
    ...overrides,
  };
}

export async function openOrm(databaseUrl: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(databaseUrl, overrides));
  traceOrmStatements(orm);
  return orm;
}

/** Applies the committed migrations that the database has not seen yet; returns their names. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
