import { parseArgs } from 'node:util';
import { loadConfig } from '../infra/config.js';
import { UsageError } from './usage-error.js';

const USAGE = 'staff: mohla staff import <file.json> [--prune] | mohla staff list [--office <id>] [--json]';

/**
 * `mohla staff`: loads the staff directory (who holds which role in which office, and their e-mail,
 * phone and language) that notifications to roles and assignees resolve through.
 */
export async function staffCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { prune: { type: 'boolean' }, office: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (sub !== 'import' && sub !== 'list') throw new UsageError(USAGE);
  if (sub === 'import' && positionals.length !== 1) throw new UsageError(USAGE);
  const { openOrm } = await import('../db/orm.js');
  const { ensurePostgres } = await import('../infra/services.js');
  const { StaffDirectory, StaffFileError } = await import('../notifications/staff.js');
  const config = loadConfig();
  const pg = await ensurePostgres(config.databaseUrl, { dataDir: config.dataDir, allowEmbedded: false });
  const orm = await openOrm(pg.url);
  try {
    const directory = new StaffDirectory(orm);
    if (sub === 'import') {
      try {
        const { saved, removed } = await directory.importFile(positionals[0]!, { prune: Boolean(values.prune) });
        console.log(`staff: ${saved} saved${values.prune ? `, ${removed} removed` : ''}`);
      } catch (err) {
        if (err instanceof StaffFileError) throw new UsageError(`staff: ${err.message}`);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`staff: no file ${positionals[0]}`);
        throw err;
      }
      return 0;
    }
    const staff = await directory.list(values.office);
    if (values.json) console.log(JSON.stringify(staff, null, 2));
    else for (const m of staff) console.log([m.officeId, m.role, m.id, m.name, m.email ?? '-', m.phone ?? '-', m.language].join('\t'));
    return 0;
  } finally {
    await orm.close();
  }
}
