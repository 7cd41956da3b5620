/** Writes a migration for the difference between the entities and the migrations already committed. */
import { loadConfig } from '../infra/config.js';
import { ensurePostgres } from '../infra/services.js';
import { migrate, MIGRATIONS_DIR, openOrm } from '../db/orm.js';
import { writeMigrationsIndex } from './migrations-index.js';

const config = loadConfig();
const pg = await ensurePostgres(config.databaseAdminUrl, { dataDir: config.dataDir, allowEmbedded: false });
const orm = await openOrm(pg.url);
try {
  await migrate(orm);
  const result = await orm.migrator.create(undefined, false, process.argv.includes('--initial'));
  writeMigrationsIndex(MIGRATIONS_DIR);
  console.log(result.fileName ? `wrote migrations/${result.fileName}` : 'entities and migrations agree: nothing to write');
} finally {
  await orm.close();
}
