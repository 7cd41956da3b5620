/**
 * The role Mohla runs as. Migrations create `mohla_app`, which holds the privileges (Migration20261206060100);
 * the role that DATABASE_URL logs in as is made a member of it, with DATABASE_URL's password. Only the
 * administrator (DATABASE_ADMIN_URL), who owns the tables, creates databases and migrates.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { migrate, openOrm } from './orm.js';
import { query, runOnce } from './sql.js';

const APP_ROLE = 'mohla_app';

export interface AppLogin {
  role: string;
  /** DATABASE_URL logs in as the administrator or another superuser: nothing is enforced on it. */
  superuser: boolean;
}

/** Roles are shared by every database of the server: two migrations at once may race on the same row. */
async function tolerant(statement: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await statement();
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      const message = (err as Error).message;
      if (code === '42710' || code === '23505') return; // already there
      if (attempt < 5 && /tuple concurrently updated/.test(message)) continue;
      throw err;
    }
  }
}

/** Creates DATABASE_URL's login role when missing, keeps its password in step, and makes it a member of mohla_app. */
async function grantAppLogin(admin: MikroORM, databaseUrl: string): Promise<AppLogin> {
  const url = new URL(databaseUrl);
  const role = decodeURIComponent(url.username || 'postgres');
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const [existing] = await query<{ rolsuper: boolean }>(admin, 'select rolsuper from pg_roles where rolname = $1', [role]);
  if (existing?.rolsuper) return { role, superuser: true };
  // Identifiers and the password go through format()'s quoting: DDL takes no parameters.
  const ddl = async (template: string, ...args: string[]) => {
    const [row] = await query<{ text: string }>(admin, `select format($1, ${args.map((_, i) => `$${i + 2}::text`).join(', ')}) as text`, [template, ...args]);
    await runOnce(admin, String(row?.text));
  };
  if (!existing) await tolerant(() => ddl(password ? 'create role %I login password %L' : 'create role %I login', role, ...(password ? [password] : [])));
  else if (password) await tolerant(() => ddl('alter role %I password %L', role, password));
  await tolerant(() => ddl('grant %I to %I', APP_ROLE, role));
  return { role, superuser: false };
}

/** `mohla migrate` and every start that migrates: the committed migrations as the administrator, then Mohla's login. */
export async function migrateAsAdministrator(adminUrl: string, databaseUrl: string): Promise<{ applied: string[]; login: AppLogin }> {
  const admin = await openOrm(adminUrl, { pool: { min: 0, max: 1 } });
  try {
    const applied = await migrate(admin);
    const login = await grantAppLogin(admin, databaseUrl);
    return { applied, login };
  } finally {
    await admin.close(true);
  }
}
