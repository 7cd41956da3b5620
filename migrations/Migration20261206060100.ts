import { Migration } from '@mikro-orm/migrations';

/**
 * Written by hand: Mohla's own role. The API and the worker log in as a member of `mohla_app` (the
 * role DATABASE_URL names; `mohla migrate` makes it one), never as the administrator who owns the
 * tables: they can read and write the projections and append to the audit log, but cannot alter,
 * truncate or update it, nor switch its triggers off (that takes the owner). Roles belong to the whole
 * server, not to one database, so creating it tolerates another database having done it first.
 */
export class Migration20261206060100 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`do $$ begin
  create role mohla_app nologin;
exception when duplicate_object or unique_violation then null;
end $$;`);
    this.addSql(`grant usage on schema public to mohla_app;`);
    this.addSql(`grant select, insert, update, delete on all tables in schema public to mohla_app;`);
    this.addSql(`grant usage, select on all sequences in schema public to mohla_app;`);
    this.addSql(`revoke update, delete, truncate on "audit_entry" from mohla_app;`);
    this.addSql(`revoke insert, update, delete, truncate on "mikro_orm_migrations" from mohla_app;`);
    // Tables of later migrations, created by the same administrator, are Mohla's to use too.
    this.addSql(`alter default privileges in schema public grant select, insert, update, delete on tables to mohla_app;`);
    this.addSql(`alter default privileges in schema public grant usage, select on sequences to mohla_app;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter default privileges in schema public revoke select, insert, update, delete on tables from mohla_app;`);
    this.addSql(`alter default privileges in schema public revoke usage, select on sequences from mohla_app;`);
    this.addSql(`revoke all on all tables in schema public from mohla_app;`);
    this.addSql(`revoke all on all sequences in schema public from mohla_app;`);
    this.addSql(`revoke usage on schema public from mohla_app;`);
  }

}
